using FluentMigrator;

namespace JkBoats.Migrations;

/// <summary>A weather cancellation that lets passengers choose: the plan (reason, deadline, what happens to those who do not answer),
/// the departures offered instead in the admin's order, and one choice per booking that was on the departure.</summary>
[Migration(202612030830, "Weather cancellations with a choice: plans, offered departures, choices per booking")]
public sealed class M202612030830_AddWeatherChoices : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            create table weather_plans (
                id uuid primary key default gen_random_uuid(),
                departure_id uuid not null constraint fk_weather_plan_departure references departures (id) on delete cascade,
                reason varchar(500) not null,
                deadline timestamptz not null,
                default_action varchar(10) not null constraint ck_weather_plan_default check (default_action in ('cancel', 'move')),
                created_by varchar(254) not null,
                created_at timestamptz not null default now(),
                defaulted_at timestamptz,
                constraint ux_weather_plan_departure unique (departure_id)
            );
            create index ix_weather_plans_due on weather_plans (deadline) where defaulted_at is null;

            create table weather_plan_options (
                plan_id uuid not null constraint fk_weather_option_plan references weather_plans (id) on delete cascade,
                departure_id uuid not null constraint fk_weather_option_departure references departures (id) on delete cascade,
                position integer not null,
                constraint pk_weather_plan_options primary key (plan_id, departure_id)
            );

            create table weather_choices (
                plan_id uuid not null constraint fk_weather_choice_plan references weather_plans (id) on delete cascade,
                booking_id uuid not null constraint fk_weather_choice_booking references bookings (id) on delete cascade,
                state varchar(10) not null default 'waiting' constraint ck_weather_choice_state check (state in ('waiting', 'moved', 'cancelled')),
                chosen_departure_id uuid constraint fk_weather_choice_departure references departures (id),
                decided_by varchar(254),
                decided_at timestamptz,
                constraint pk_weather_choices primary key (plan_id, booking_id),
                constraint ck_weather_choice_moved check (state <> 'moved' or chosen_departure_id is not null),
                constraint ck_weather_choice_decided check (state = 'waiting' or decided_at is not null)
            );
            create index ix_weather_choices_booking on weather_choices (booking_id);
            create index ix_weather_choices_waiting on weather_choices (plan_id) where state = 'waiting';
            """);
    }

    public override void Down()
    {
        Execute.Sql("""
            drop table weather_choices;
            drop table weather_plan_options;
            drop table weather_plans;
            """);
    }
}
