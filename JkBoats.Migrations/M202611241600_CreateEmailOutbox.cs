using FluentMigrator;

namespace JkBoats.Migrations;

[Migration(202611241600, "Email outbox and shared application secrets")]
public sealed class M202611241600_CreateEmailOutbox : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            create table email_outbox (
                id uuid primary key default gen_random_uuid(),
                kind varchar(40) not null
                    constraint ck_email_outbox_kind check (kind in ('booking_confirmed', 'booking_cancelled')),
                booking_id uuid not null constraint fk_email_outbox_booking references bookings (id),
                recipient varchar(254) not null,
                status varchar(20) not null default 'pending'
                    constraint ck_email_outbox_status check (status in ('pending', 'sending', 'sent', 'failed', 'dead')),
                attempts integer not null default 0 constraint ck_email_outbox_attempts check (attempts >= 0),
                next_attempt_at timestamptz not null default now(),
                claimed_until timestamptz,
                claimed_by varchar(100),
                last_error varchar(1000),
                sent_at timestamptz,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now(),
                constraint ck_email_outbox_claim check (status <> 'sending' or (claimed_until is not null and claimed_by is not null))
            );
            create index ix_email_outbox_due on email_outbox (next_attempt_at) where status in ('pending', 'failed');
            create index ix_email_outbox_leased on email_outbox (claimed_until) where status = 'sending';
            create index ix_email_outbox_booking on email_outbox (booking_id);

            create table app_secrets (
                name varchar(100) primary key,
                value text not null,
                created_at timestamptz not null default now()
            );
            """);
    }

    public override void Down()
    {
        Delete.Table("app_secrets");
        Delete.Table("email_outbox");
    }
}
