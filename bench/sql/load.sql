-- Realistic data set for bench/run.sh, loaded with set-based SQL into a freshly migrated database.
-- 24 boats, 5 destinations, a year of departures (half past, half ahead) at 8 a day per destination,
-- 100,000 customers, 300,000 past bookings, then departures set aside for the benchmark runs.
\set ON_ERROR_STOP on
begin;

create function pg_temp.code(n bigint) returns text language sql immutable as $$
    select 'JKB-' || string_agg(substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', ((n / power(31, i)::bigint) % 31)::int + 1, 1), '' order by i desc)
    from generate_series(0, 5) as i
$$;

insert into boats (name, capacity, has_ac)
select 'Sea Breeze ' || b, 90 + (b * 37) % 111, b % 2 = 0
from generate_series(1, 24) as b;

create temporary table boat_numbers on commit drop as
select id, capacity, row_number() over (order by name) - 1 as n from boats;

insert into departures (boat_id, departure_time, destination, price_per_seat, capacity, available_seats)
select bn.id,
       date_trunc('day', now()) + make_interval(days => day) + make_interval(mins => 480 + slot * 90),
       (array['Hydra', 'Aegina', 'Poros', 'Spetses', 'Agistri'])[dest + 1],
       25 + dest * 5 + slot,
       bn.capacity, bn.capacity
from generate_series(-182, 182) as day
cross join generate_series(0, 4) as dest
cross join generate_series(0, 7) as slot
join boat_numbers bn on bn.n = (dest + 5 * slot) % 24;

insert into customers (email, full_name, phone, created_at, updated_at)
select 'customer' || c || '@example.com', 'Customer ' || c, '+141555501' || lpad((c % 100)::text, 2, '0'),
       now() - make_interval(days => 200 + c % 300), now() - make_interval(days => 200 + c % 300)
from generate_series(1, 100000) as c;

create temporary table numbered_departures on commit drop as
select id, departure_time, price_per_seat, row_number() over (order by departure_time, id) as n from departures;

create temporary table numbered_customers on commit drop as
select id, email, full_name, phone, row_number() over (order by email) as n from customers;
create index on numbered_customers (n);

-- 14,600 departures: 20 bookings each, plus one more on the first 8,000 = 300,000 bookings.
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
join numbered_customers c on c.n = 1 + (d.n * 7919 + k * 104729) % 100000
where k < 20 or d.n <= 8000;

update departures d
set available_seats = d.capacity - s.seats
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
set capacity = d.capacity + case when b.kind in ('hot', 'pg_hot') then 2000000 else 200000 end,
    available_seats = d.available_seats + case when b.kind in ('hot', 'pg_hot') then 2000000 else 200000 end
from bench_departures b
where b.departure_id = d.id;

commit;
vacuum analyze;
