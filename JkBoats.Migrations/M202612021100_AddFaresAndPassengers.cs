using FluentMigrator;

namespace JkBoats.Migrations;

/// <summary>Fare types, price lists per destination, prices per departure, a certified maximum of persons per boat and departure,
/// and the passengers of every booking. Existing bookings become adult passengers (the first named after the lead booker).</summary>
[Migration(202612021100, "Fares, price lists, persons on board and passengers")]
public sealed class M202612021100_AddFaresAndPassengers : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            create table fare_types (
                id uuid primary key default gen_random_uuid(),
                code varchar(20) not null constraint ux_fare_types_code unique
                    constraint ck_fare_types_code check (code ~ '^[a-z][a-z0-9_]{0,19}$'),
                name varchar(50) not null,
                description varchar(200),
                takes_seat boolean not null,
                sort_order integer not null default 0,
                is_active boolean not null default true,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now(),
                constraint ck_fare_types_adult check (code <> 'adult' or (takes_seat and is_active))
            );
            insert into fare_types (code, name, description, takes_seat, sort_order) values
                ('adult', 'Adult', 'Ages 13 and over', true, 10),
                ('child', 'Child', 'Ages 4 to 12', true, 20),
                ('senior', 'Senior', 'Ages 65 and over', true, 30),
                ('infant', 'Infant', 'Under 4, on a lap, no seat', false, 40);

            create table destination_fares (
                destination varchar(200) not null,
                fare_type_id uuid not null constraint fk_destination_fares_fare references fare_types (id),
                price numeric(10, 2) not null constraint ck_destination_fares_price check (price >= 0),
                updated_at timestamptz not null default now()
            );
            create unique index ux_destination_fares on destination_fares (lower(destination), fare_type_id);

            create table departure_fares (
                departure_id uuid not null constraint fk_departure_fares_departure references departures (id) on delete cascade,
                fare_type_id uuid not null constraint fk_departure_fares_fare references fare_types (id),
                price numeric(10, 2) not null constraint ck_departure_fares_price check (price >= 0),
                constraint pk_departure_fares primary key (departure_id, fare_type_id)
            );

            alter table boats add column max_persons integer;
            update boats set max_persons = capacity;
            alter table boats alter column max_persons set not null,
                add constraint ck_boats_max_persons check (max_persons >= capacity);

            alter table departures add column max_persons integer, add column available_persons integer;
            update departures d
            set max_persons = d.capacity,
                available_persons = d.capacity - coalesce((
                    select sum(bk.seats_booked) from bookings bk where bk.departure_id = d.id and bk.status = 'confirmed'), 0);
            alter table departures alter column max_persons set not null, alter column available_persons set not null,
                add constraint ck_departures_max_persons check (max_persons >= capacity),
                add constraint ck_departures_available_persons check (available_persons between 0 and max_persons);

            alter table bookings add column persons integer;
            update bookings set persons = seats_booked;
            alter table bookings alter column persons set not null,
                add constraint ck_bookings_persons check (persons >= seats_booked);

            create table passengers (
                id uuid primary key default gen_random_uuid(),
                booking_id uuid not null constraint fk_passengers_booking references bookings (id) on delete cascade,
                position smallint not null constraint ck_passengers_position check (position > 0),
                fare_type_id uuid not null constraint fk_passengers_fare references fare_types (id),
                takes_seat boolean not null,
                full_name varchar(200),
                birth_year smallint constraint ck_passengers_birth_year check (birth_year between 1900 and 2200),
                needs varchar(20) constraint ck_passengers_needs check (needs in ('wheelchair', 'reduced_mobility', 'other')),
                needs_note varchar(200),
                price numeric(10, 2) not null constraint ck_passengers_price check (price >= 0),
                checked_in_at timestamptz,
                no_show_at timestamptz,
                constraint ux_passengers_position unique (booking_id, position),
                constraint ck_passengers_boarded_or_absent check (checked_in_at is null or no_show_at is null)
            );

            -- Every departure is created with a persons limit and prices: the boat's limit, and the destination's price list
            -- with the adult fare at price_per_seat (the document's API price). Whoever inserts the row gets this.
            create function departures_defaults() returns trigger language plpgsql as $$
            begin
                if new.max_persons is null then
                    select greatest(b.max_persons, new.capacity) into new.max_persons from boats b where b.id = new.boat_id;
                end if;
                if new.available_persons is null then
                    new.available_persons := new.max_persons - (new.capacity - new.available_seats);
                end if;
                return new;
            end $$;
            create trigger tr_departures_defaults before insert on departures for each row execute function departures_defaults();

            create function departures_fares() returns trigger language plpgsql as $$
            begin
                insert into departure_fares (departure_id, fare_type_id, price)
                select new.id, f.id, case when f.code = 'adult' then new.price_per_seat else df.price end
                from fare_types f
                left join destination_fares df on df.fare_type_id = f.id and lower(df.destination) = lower(new.destination)
                where f.code = 'adult' or (f.is_active and df.price is not null);
                return null;
            end $$;
            create trigger tr_departures_fares after insert on departures for each row execute function departures_fares();

            create function boats_defaults() returns trigger language plpgsql as $$
            begin
                new.max_persons := coalesce(new.max_persons, new.capacity);
                return new;
            end $$;
            create trigger tr_boats_defaults before insert on boats for each row execute function boats_defaults();

            create function bookings_defaults() returns trigger language plpgsql as $$
            begin
                new.persons := coalesce(new.persons, new.seats_booked);
                return new;
            end $$;
            create trigger tr_bookings_defaults before insert on bookings for each row execute function bookings_defaults();

            -- Price lists from what each destination costs today: child half, senior four fifths, infant free.
            insert into destination_fares (destination, fare_type_id, price)
            select dest.destination, f.id,
                   case f.code when 'adult' then dest.price when 'child' then round(dest.price / 2, 2)
                               when 'senior' then round(dest.price * 0.8, 2) else 0 end
            from (select distinct on (lower(destination)) destination, price_per_seat as price
                  from departures order by lower(destination), departure_time desc) dest
            cross join fare_types f;

            insert into departure_fares (departure_id, fare_type_id, price)
            select d.id, df.fare_type_id, case when f.code = 'adult' then d.price_per_seat else df.price end
            from departures d
            join destination_fares df on lower(df.destination) = lower(d.destination)
            join fare_types f on f.id = df.fare_type_id;

            insert into passengers (booking_id, position, fare_type_id, takes_seat, full_name, price, checked_in_at)
            select bk.id, n, f.id, true, case when n = 1 then bk.full_name end,
                   case when n = 1 then bk.total_price - (bk.seats_booked - 1) * round(bk.total_price / bk.seats_booked, 2)
                        else round(bk.total_price / bk.seats_booked, 2) end,
                   bk.checked_in_at
            from bookings bk
            cross join generate_series(1, bk.seats_booked) n
            join fare_types f on f.code = 'adult';
            create index ix_passengers_booking on passengers (booking_id);
            """);
    }

    public override void Down()
    {
        Execute.Sql("""
            drop trigger tr_bookings_defaults on bookings;
            drop function bookings_defaults();
            drop trigger tr_boats_defaults on boats;
            drop trigger tr_departures_fares on departures;
            drop trigger tr_departures_defaults on departures;
            drop function boats_defaults();
            drop function departures_fares();
            drop function departures_defaults();
            -- Seats are what the earlier schema knows: a booking keeps its seat count and price; infants and names beyond the lead are lost.
            drop table passengers;
            alter table bookings drop column persons;
            alter table departures drop column max_persons, drop column available_persons;
            alter table boats drop column max_persons;
            drop table departure_fares;
            drop table destination_fares;
            drop table fare_types;
            """);
    }
}
