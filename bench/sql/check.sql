-- Seat and persons invariants over every departure: prints the number of departures where one is broken (0 expected).
select count(*) as broken
from departures d
left join (select departure_id, sum(seats_booked) as seats, sum(persons) as persons
           from bookings where status = 'confirmed' group by departure_id) s
       on s.departure_id = d.id
where d.available_seats + coalesce(s.seats, 0) <> d.capacity
   or (d.available_persons + coalesce(s.persons, 0) <> d.max_persons
       -- the document's naive transaction (pgbench) keeps seats only
       and d.id not in (select departure_id from bench_departures where kind like 'pg%'))
   or d.available_seats < 0 or d.available_seats > d.capacity;
