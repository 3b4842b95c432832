using FluentMigrator;

namespace JkBoats.Migrations;

/// <summary>The operator's details as admins edit them: one row at most (without it the configuration's defaults apply).</summary>
[Migration(202612021700, "Operator details: name, desk contact, pier, opening hours, arrival time, cancellation policy")]
public sealed class M202612021700_AddOperatorDetails : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            create table operator_details (
                id smallint primary key default 1 constraint ck_operator_details_single check (id = 1),
                name varchar(100) not null,
                phone varchar(32) not null,
                email varchar(254) not null,
                pier_address varchar(300) not null,
                map_url varchar(500),
                opening_hours varchar(300) not null,
                arrive_before_minutes int not null constraint ck_operator_details_arrive_before check (arrive_before_minutes between 0 and 240),
                cancellation_policy varchar(1000) not null,
                updated_at timestamptz not null default now(),
                updated_by varchar(254) not null
            );
            """);
    }

    public override void Down()
    {
        Execute.Sql("drop table operator_details;");
    }
}
