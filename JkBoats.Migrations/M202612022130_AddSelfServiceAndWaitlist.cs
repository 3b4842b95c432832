using FluentMigrator;

namespace JkBoats.Migrations;

/// <summary>Held seats on departures (seats offered to a waiting-list entry, out of sale until it confirms or its hold expires),
/// the waiting lists themselves, and outbox rows that are about a waiting-list entry rather than a booking or that carry what
/// changed (a schedule change's old values) as a payload.</summary>
[Migration(202612022130, "Waiting lists with held seats; outbox kinds for changes, reminders, schedule changes, offers and weather choices")]
public sealed class M202612022130_AddSelfServiceAndWaitlist : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            alter table departures
                add column held_seats integer not null default 0,
                add column held_persons integer not null default 0,
                add constraint ck_departures_held_seats check (held_seats >= 0 and available_seats + held_seats <= capacity),
                add constraint ck_departures_held_persons check (held_persons >= 0 and available_persons + held_persons <= max_persons);

            create table waitlist_entries (
                id uuid primary key default gen_random_uuid(),
                departure_id uuid not null constraint fk_waitlist_departure references departures (id) on delete cascade,
                full_name varchar(200) not null,
                email varchar(254) not null,
                phone varchar(32) not null,
                seats integer not null constraint ck_waitlist_seats check (seats > 0),
                persons integer not null,
                status varchar(20) not null default 'waiting'
                    constraint ck_waitlist_status check (status in ('waiting', 'offered', 'booked', 'expired', 'removed', 'left')),
                offered_at timestamptz,
                hold_expires_at timestamptz,
                booking_id uuid constraint fk_waitlist_booking references bookings (id),
                removed_by varchar(254),
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now(),
                constraint ck_waitlist_persons check (persons >= seats),
                constraint ck_waitlist_offer check (status <> 'offered' or (offered_at is not null and hold_expires_at is not null)),
                constraint ck_waitlist_booked check (status <> 'booked' or booking_id is not null)
            );
            create index ix_waitlist_open on waitlist_entries (departure_id, created_at) where status in ('waiting', 'offered');
            create index ix_waitlist_hold_expires on waitlist_entries (hold_expires_at) where status = 'offered';
            create unique index ux_waitlist_open_email on waitlist_entries (departure_id, lower(email)) where status in ('waiting', 'offered');

            create table waitlist_fares (
                entry_id uuid not null constraint fk_waitlist_fares_entry references waitlist_entries (id) on delete cascade,
                fare_type_id uuid not null constraint fk_waitlist_fares_fare references fare_types (id),
                count integer not null constraint ck_waitlist_fares_count check (count > 0),
                constraint pk_waitlist_fares primary key (entry_id, fare_type_id)
            );

            alter table email_outbox
                alter column booking_id drop not null,
                add column waitlist_entry_id uuid constraint fk_email_outbox_waitlist references waitlist_entries (id) on delete cascade,
                add column payload jsonb,
                drop constraint ck_email_outbox_kind,
                add constraint ck_email_outbox_kind check (kind in (
                    'booking_confirmed', 'booking_cancelled', 'booking_moved', 'booking_changed', 'booking_reminder',
                    'departure_changed', 'waitlist_offer', 'weather_choice')),
                add constraint ck_email_outbox_subject check ((booking_id is null) <> (waitlist_entry_id is null));
            create index ix_email_outbox_waitlist on email_outbox (waitlist_entry_id) where waitlist_entry_id is not null;
            """);
    }

    public override void Down()
    {
        Execute.Sql("""
            delete from email_outbox where booking_id is null or kind not in ('booking_confirmed', 'booking_cancelled', 'booking_moved');
            alter table email_outbox
                drop constraint ck_email_outbox_subject,
                drop constraint ck_email_outbox_kind,
                drop column payload,
                drop column waitlist_entry_id,
                alter column booking_id set not null,
                add constraint ck_email_outbox_kind check (kind in ('booking_confirmed', 'booking_cancelled', 'booking_moved'));
            drop table waitlist_fares;
            drop table waitlist_entries;
            update departures set available_seats = available_seats + held_seats, available_persons = available_persons + held_persons;
            alter table departures drop column held_seats, drop column held_persons;
            """);
    }
}
