using FluentMigrator;

namespace JkBoats.Migrations;

[Migration(202611241400, "Staff accounts, walk-ins without email, check-in and cancellation details")]
public sealed class M202611241400_AddFrontDesk : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            create table staff (
                id uuid primary key default gen_random_uuid(),
                email varchar(254) not null,
                display_name varchar(100) not null,
                role varchar(20) not null constraint ck_staff_role check (role in ('agent', 'admin')),
                password_hash text not null,
                failed_attempts integer not null default 0,
                lockout_count integer not null default 0,
                locked_until timestamptz,
                is_active boolean not null default true,
                security_stamp uuid not null default gen_random_uuid(),
                last_sign_in_at timestamptz,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now()
            );
            create unique index ux_staff_email on staff (lower(email));

            alter table customers alter column email drop not null;
            alter table bookings alter column email drop not null;
            alter table bookings
                add column checked_in_at timestamptz,
                add column cancellation_reason varchar(500),
                add column changed_by varchar(254);
            """);
    }

    public override void Down()
    {
        Execute.Sql("""
            update bookings set email = 'walk-in+' || id || '@no-email.invalid' where email is null;
            update customers set email = 'walk-in+' || id || '@no-email.invalid' where email is null;
            alter table bookings drop column checked_in_at, drop column cancellation_reason, drop column changed_by;
            alter table bookings alter column email set not null;
            alter table customers alter column email set not null;
            drop table staff;
            """);
    }
}
