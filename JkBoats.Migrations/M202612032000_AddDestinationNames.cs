using FluentMigrator;

namespace JkBoats.Migrations;

/// <summary>Every destination name with its last scheduled departure, kept by triggers on <c>departures</c>, so the listing's
/// destination list is a read of a few rows instead of a scan of every upcoming departure (which grew with the schedule).
/// Inserts and deletes are handled per statement (a season of departures is one refresh per name); an update fires only when
/// a departure's destination, status or time changes, so the booking engine's seat updates never touch it.
/// Each refresh locks its name's row first and then recounts, in name order, so concurrent schedule changes cannot leave a
/// stale row behind: whoever locks second recounts after the first has committed.</summary>
[Migration(202612032000, "Destination names with their last scheduled departure, kept by triggers")]
public sealed class M202612032000_AddDestinationNames : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            create table destination_names (
                name_key text primary key,
                destination text not null,
                last_departure timestamptz not null,
                constraint ck_destination_names_key check (name_key = lower(destination))
            );

            create function destination_names_refresh(key text) returns void language plpgsql as $$
            declare
                last record;
            begin
                insert into destination_names (name_key, destination, last_departure) values (key, key, '-infinity')
                on conflict (name_key) do nothing;
                perform 1 from destination_names where name_key = key for update;
                select d.destination, d.departure_time into last
                from departures d
                where lower(d.destination) = key and d.status = 'scheduled'
                order by d.departure_time desc
                limit 1;
                if found then
                    update destination_names set destination = last.destination, last_departure = last.departure_time
                    where name_key = key and (destination, last_departure) is distinct from (last.destination, last.departure_time);
                else
                    delete from destination_names where name_key = key;
                end if;
            end $$;

            create function departures_destination_names_rows() returns trigger language plpgsql as $$
            declare
                key text;
            begin
                for key in
                    select lower(r.destination) from changed r group by 1 order by 1
                loop
                    perform destination_names_refresh(key);
                end loop;
                return null;
            end $$;
            create trigger tr_departures_destination_names_insert after insert on departures
                referencing new table as changed for each statement execute function departures_destination_names_rows();
            create trigger tr_departures_destination_names_delete after delete on departures
                referencing old table as changed for each statement execute function departures_destination_names_rows();

            create function departures_destination_names_update() returns trigger language plpgsql as $$
            declare
                key text;
            begin
                for key in
                    select k from unnest(array[lower(old.destination), lower(new.destination)]) k group by 1 order by 1
                loop
                    perform destination_names_refresh(key);
                end loop;
                return null;
            end $$;
            create trigger tr_departures_destination_names_update after update of destination, status, departure_time on departures
                for each row execute function departures_destination_names_update();

            create function departures_destination_names_truncate() returns trigger language plpgsql as $$
            begin
                delete from destination_names;
                return null;
            end $$;
            create trigger tr_departures_destination_names_truncate after truncate on departures
                for each statement execute function departures_destination_names_truncate();

            insert into destination_names (name_key, destination, last_departure)
            select distinct on (lower(destination)) lower(destination), destination, departure_time
            from departures
            where status = 'scheduled'
            order by lower(destination), departure_time desc;
            """);
    }

    public override void Down()
    {
        Execute.Sql("""
            drop trigger tr_departures_destination_names_truncate on departures;
            drop trigger tr_departures_destination_names_update on departures;
            drop trigger tr_departures_destination_names_delete on departures;
            drop trigger tr_departures_destination_names_insert on departures;
            drop function departures_destination_names_truncate();
            drop function departures_destination_names_update();
            drop function departures_destination_names_rows();
            drop function destination_names_refresh(text);
            drop table destination_names;
            """);
    }
}
