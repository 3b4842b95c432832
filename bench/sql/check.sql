-- Seat invariant over every departure: prints the number of departures where it is broken (0 expected).
select count(*) as broken
from departures d
left join (select departure_id, sum(seats_booked) as seats from bookings where status = 'confirmed' group by departure_id) s
       on s.departure_id = d.id
where d.available_seats + coalesce(s.seats, 0) <> d.capacity
   or d.available_seats < 0 or d.available_seats > d.capacity;
