using FluentMigrator;

namespace JkBoats.Migrations;

[Migration(202611241000, "Boats, departures, customers and bookings")]
public sealed class M202611241000_CreateBookingTables : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            create table boats (
                id uuid primary key default gen_random_uuid(),
                name varchar(100) not null,
                capacity integer not null constraint ck_boats_capacity check (capacity > 0),
                has_ac boolean not null default false,
                retired_at timestamptz,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now()
            );

            create table departures (
                id uuid primary key default gen_random_uuid(),
                boat_id uuid not null constraint fk_departures_boat references boats (id),
                departure_time timestamptz not null,
                destination varchar(200) not null,
                price_per_seat numeric(10, 2) not null constraint ck_departures_price check (price_per_seat > 0),
                capacity integer not null constraint ck_departures_capacity check (capacity > 0),
                available_seats integer not null,
                status varchar(20) not null default 'scheduled',
                cancelled_at timestamptz,
                cancellation_reason varchar(500),
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now(),
                constraint ck_departures_available_seats check (available_seats between 0 and capacity),
                constraint ck_departures_status check (status in ('scheduled', 'cancelled')),
                constraint ux_departures_boat_time unique (boat_id, departure_time)
            );
            create index ix_departures_time_destination on departures (departure_time, destination);
            create index ix_departures_destination_time on departures (lower(destination), departure_time);

            create table customers (
                id uuid primary key default gen_random_uuid(),
                email varchar(254) not null,
                full_name varchar(200) not null,
                phone varchar(20) not null,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now()
            );
            create unique index ux_customers_email on customers (lower(email));
            create index ix_customers_phone on customers (phone);

            create table bookings (
                id uuid primary key default gen_random_uuid(),
                confirmation_code varchar(20) not null constraint ux_bookings_confirmation_code unique,
                departure_id uuid not null constraint fk_bookings_departure references departures (id),
                customer_id uuid not null constraint fk_bookings_customer references customers (id),
                seats_booked integer not null constraint ck_bookings_seats check (seats_booked > 0),
                total_price numeric(10, 2) not null constraint ck_bookings_total check (total_price >= 0),
                status varchar(20) not null default 'confirmed'
                    constraint ck_bookings_status check (status in ('pending', 'confirmed', 'cancelled')),
                full_name varchar(200) not null,
                email varchar(254) not null,
                phone varchar(20) not null,
                channel varchar(20) not null default 'web'
                    constraint ck_bookings_channel check (channel in ('web', 'api', 'desk')),
                idempotency_key varchar(100) constraint ux_bookings_idempotency_key unique,
                request_fingerprint varchar(64),
                cancelled_at timestamptz,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now()
            );
            create index ix_bookings_departure on bookings (departure_id);
            create index ix_bookings_customer on bookings (customer_id);
            create index ix_bookings_email on bookings (lower(email));
            create index ix_bookings_phone on bookings (phone);
            """);
    }

    public override void Down()
    {
        Delete.Table("bookings");
        Delete.Table("customers");
        Delete.Table("departures");
        Delete.Table("boats");
    }
}
