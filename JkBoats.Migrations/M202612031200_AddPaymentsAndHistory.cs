using FluentMigrator;

namespace JkBoats.Migrations;

/// <summary>Money taken and given back at the desk, and the history of every booking: both append-only (a trigger refuses an update or a
/// delete), each row written in the transaction of what caused it.</summary>
[Migration(202612031200, "Payments and refunds per booking, and every booking's history")]
public sealed class M202612031200_AddPaymentsAndHistory : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            create function refuse_change() returns trigger language plpgsql as $$
            begin
                raise exception '% is append-only: rows are never updated or deleted', tg_table_name using errcode = '55000';
            end $$;

            create table payments (
                id uuid primary key default gen_random_uuid(),
                booking_id uuid not null constraint fk_payments_booking references bookings (id),
                kind varchar(10) not null constraint ck_payments_kind check (kind in ('payment', 'refund')),
                method varchar(10) not null constraint ck_payments_method check (method in ('cash', 'card', 'other')),
                amount numeric(10, 2) not null constraint ck_payments_amount check (amount > 0),
                taken_by varchar(254) not null,
                note varchar(200),
                created_at timestamptz not null default now()
            );
            create index ix_payments_booking on payments (booking_id);
            create index ix_payments_taken_by on payments (lower(taken_by), created_at);
            create index ix_payments_created on payments (created_at);
            create trigger tr_payments_append_only before update or delete on payments for each row execute function refuse_change();

            create table booking_events (
                id bigint generated always as identity primary key,
                booking_id uuid not null constraint fk_booking_events_booking references bookings (id),
                kind varchar(30) not null,
                actor varchar(254) not null,
                summary varchar(1000) not null,
                created_at timestamptz not null default now()
            );
            create index ix_booking_events_booking on booking_events (booking_id, id);
            create trigger tr_booking_events_append_only before update or delete on booking_events for each row execute function refuse_change();

            -- Bookings made before the history began get their creation as the first entry.
            insert into booking_events (booking_id, kind, actor, summary, created_at)
            select id, 'created', coalesce(changed_by, channel), 'Booked (before the history began)', created_at from bookings;
            """);
    }

    public override void Down()
    {
        Execute.Sql("""
            drop table booking_events;
            drop table payments;
            drop function refuse_change();
            """);
    }
}
