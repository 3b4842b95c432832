-- Realistic data set for bench/run.sh, loaded with set-based SQL into a freshly migrated database.
-- At scale 1 (psql -v scale=1): 24 boats, 5 destinations, a year of departures (half past, half ahead) at 8 a day per
-- destination (14,600), their fares (child half, senior four fifths, infant free), 100,000 customers, 300,000 past bookings
-- with their passengers; then departures set aside for the benchmark runs. Scale N multiplies boats, destinations (and so
-- departures), customers and bookings by N: scale 10 is 240 boats, 50 destinations, 146,000 departures, 1,000,000
-- customers and 3,000,000 bookings.
\set ON_ERROR_STOP on
\if :{?scale}
\else
\set scale 1
\endif
begin;

create function pg_temp.code(n bigint) returns text language sql immutable as $$
    select 'JKB-' || string_agg(substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', ((n / power(31, i)::bigint) % 31)::int + 1, 1), '' order by i desc)
    from generate_series(0, 5) as i
$$;

insert into boats (name, capacity, has_ac)
select 'Sea Breeze ' || b, 90 + (b * 37) % 111, b % 2 = 0
from generate_series(1, 24 * :scale) as b;

create temporary table boat_numbers on commit drop as
select id, capacity, row_number() over (order by name) - 1 as n from boats;

create temporary table bench_destination_list on commit drop as
select dest, coalesce((array['Hydra', 'Aegina', 'Poros', 'Spetses', 'Agistri'])[dest + 1], 'Island ' || dest) as name
from generate_series(0, 5 * :scale - 1) as dest;

-- Price lists first: each departure's fares are copied from its destination's when it is inserted.
insert into destination_fares (destination, fare_type_id, price)
select dn.name, f.id, round((25 + dn.dest % 5 * 5) * case f.code when 'child' then 0.5 when 'senior' then 0.8 else 0 end, 2)
from bench_destination_list dn
cross join fare_types f
where f.code in ('child', 'senior', 'infant');

insert into departures (boat_id, departure_time, destination, price_per_seat, capacity, available_seats)
select bn.id,
       date_trunc('day', now()) + make_interval(days => day) + make_interval(mins => 480 + slot * 90),
       dn.name,
       25 + dn.dest % 5 * 5 + slot,
       bn.capacity, bn.capacity
from generate_series(-182, 182) as day
cross join bench_destination_list dn
cross join generate_series(0, 7) as slot
join boat_numbers bn on bn.n = (dn.dest + 5 * slot) % (24 * :scale);

insert into customers (email, full_name, phone, created_at, updated_at)
select 'customer' || c || '@example.com', 'Customer ' || c, '+141555501' || lpad((c % 100)::text, 2, '0'),
       now() - make_interval(days => 200 + c % 300), now() - make_interval(days => 200 + c % 300)
from generate_series(1, 100000 * :scale) as c;

create temporary table numbered_departures on commit drop as
select id, departure_time, price_per_seat, row_number() over (order by departure_time, id) as n from departures;

create temporary table numbered_customers on commit drop as
select id, email, full_name, phone, row_number() over (order by email) as n from customers;
create index on numbered_customers (n);

-- 14,600 departures a scale: 20 bookings each, plus one more on the first 8,000 = 300,000 bookings.
insert into bookings (confirmation_code, departure_id, customer_id, seats_booked, total_price, status,
                      full_name, email, phone, channel, cancelled_at, created_at, updated_at)
select pg_temp.code(d.n * 21 + k), d.id, c.id, 1 + (d.n * 7 + k * 3) % 4, (1 + (d.n * 7 + k * 3) % 4) * d.price_per_seat,
       case when (d.n + k) % 20 = 0 then 'cancelled' else 'confirmed' end,
       c.full_name, c.email, c.phone, (array['web', 'api', 'desk'])[1 + (d.n + k) % 3]::varchar,
       case when (d.n + k) % 20 = 0 then d.departure_time - interval '3 days' end,
       least(now(), d.departure_time) - make_interval(days => 1 + (k % 30)),
       least(now(), d.departure_time) - make_interval(days => 1 + (k % 30))
from numbered_departures d
cross join generate_series(0, 20) as k
join numbered_customers c on c.n = 1 + (d.n * 7919 + k * 104729) % (100000 * :scale)
where k < 20 or d.n <= 8000 * :scale;

-- Every booking's passengers: as many adults as seats at the departure's price, the first named after the booker.
insert into passengers (booking_id, position, fare_type_id, takes_seat, full_name, price)
select bk.id, p, (select id from fare_types where code = 'adult'), true, case when p = 1 then bk.full_name end,
       bk.total_price / bk.seats_booked
from bookings bk
cross join lateral generate_series(1, bk.seats_booked) as p;

update departures d
set available_seats = d.capacity - s.seats, available_persons = d.max_persons - s.seats
from (select departure_id, sum(seats_booked) as seats from bookings where status = 'confirmed' group by departure_id) s
where s.departure_id = d.id;

-- Departures set aside for the runs, far enough ahead that no run sees them leave, each with enough seats
-- for its runs: capacity and available seats grow together, so the seat invariant still holds.
create table bench_departures (kind text not null, n int not null, departure_id uuid not null, primary key (kind, n));

with ahead as (
    select id, row_number() over (order by departure_time, id) as r
    from departures
    where departure_time > now() + interval '30 days'
)
insert into bench_departures (kind, n, departure_id)
select case when r <= 100 then 'spread' when r <= 200 then 'pg_spread' when r = 201 then 'hot' else 'pg_hot' end,
       case when r <= 100 then r when r <= 200 then r - 100 else 1 end,
       id
from ahead
where r <= 202;

update departures d
set capacity = d.capacity + room, available_seats = d.available_seats + room,
    max_persons = d.max_persons + room, available_persons = d.available_persons + room
from (select departure_id, case when kind in ('hot', 'pg_hot') then 2000000 else 200000 end as room from bench_departures) b
where b.departure_id = d.id;

commit;
-- As a database looks after its nightly maintenance: statistics current, the loaded rows frozen (no autovacuum pass over
-- millions of fresh rows during the runs) and their pages written out (no checkpoint flushing them while measuring).
vacuum (freeze, analyze);
checkpoint;
