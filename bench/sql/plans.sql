-- The query plans that keep the hot paths flat as the data grows, as the app runs them (prepared, generic plans where
-- PostgreSQL settles on one). bench/run.sh writes their EXPLAIN (ANALYZE, BUFFERS) to bench/results/<time>-plans.txt.
-- Variables: :'day_from', :'day_to' (the listing's day in UTC), :'departure' (a spread departure), :'code' (a booking's code).
\pset pager off
set plan_cache_mode = force_generic_plan;

\echo '== Listing: the destination list (destination_names, kept by triggers)'
explain (analyze, buffers, costs off) select destination, last_departure from destination_names order by destination;

\echo '== Listing and GET /api/boats: one destination, one day'
prepare by_destination(text, timestamptz, timestamptz, int) as
select d.id as departure_id, b.id as boat_id, b.name as boat_name, d.capacity, d.available_seats,
       b.has_ac, d.price_per_seat, d.departure_time, d.destination, d.status, d.max_persons, d.available_persons
from departures d join boats b on b.id = d.boat_id
where lower(d.destination) = lower($1) and d.departure_time >= $2 and d.departure_time < $3 and d.status = 'scheduled'
order by d.departure_time, b.name limit $4;
explain (analyze, buffers, costs off) execute by_destination('Hydra', :'day_from', :'day_to', 500);

\echo '== Listing: every destination, one day'
prepare all_destinations(timestamptz, timestamptz, int) as
select d.id as departure_id, b.id as boat_id, b.name as boat_name, d.capacity, d.available_seats,
       b.has_ac, d.price_per_seat, d.departure_time, d.destination, d.status, d.max_persons, d.available_persons
from departures d join boats b on b.id = d.boat_id
where d.departure_time >= $1 and d.departure_time < $2 and d.status = 'scheduled'
order by d.departure_time, b.name limit $3;
explain (analyze, buffers, costs off) execute all_destinations(:'day_from', :'day_to', 500);

\echo '== Booking: the departures a batch locks (ascending id), without the lock here'
prepare lock_departures(uuid[]) as
select d.id, d.status, d.departure_time, d.destination, d.available_seats, d.available_persons, d.price_per_seat, b.name as boat_name
from departures d join boats b on b.id = d.boat_id
where d.id = any($1) order by d.id;
explain (analyze, buffers, costs off) execute lock_departures(array[:'departure']::uuid[]);

\echo '== Booking: the fares of those departures'
prepare departure_fares(uuid[]) as
select df.departure_id, df.fare_type_id, df.price from departure_fares df where df.departure_id = any($1);
explain (analyze, buffers, costs off) execute departure_fares(array[:'departure']::uuid[]);

\echo '== Find my booking / manage: a booking by its code'
prepare by_code(text) as
select bk.id, bk.departure_id, bk.status, bk.seats_booked from bookings bk where bk.confirmation_code = upper($1);
explain (analyze, buffers, costs off) execute by_code(:'code');

\echo '== Manage: the passengers of a booking'
prepare passengers_of(uuid) as
select p.* from passengers p where p.booking_id = $1 order by p.position;
select id as booking_id from bookings where confirmation_code = upper(:'code') \gset
explain (analyze, buffers, costs off) execute passengers_of(:'booking_id');
