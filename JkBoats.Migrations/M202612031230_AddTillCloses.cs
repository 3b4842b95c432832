using FluentMigrator;

namespace JkBoats.Migrations;

/// <summary>Closing the till: per staff member and operator-local day, the cash the payments say should be in the drawer, the cash
/// counted, and the difference. Append-only like <c>payments</c>: a re-count is a new row and the latest row is the close.</summary>
[Migration(202612031230, "Till closes per staff member and day (append-only)")]
public sealed class M202612031230_AddTillCloses : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            create table till_closes (
                id uuid primary key default gen_random_uuid(),
                staff_email varchar(254) not null,
                business_day date not null,
                expected_cash numeric(10, 2) not null,
                counted_cash numeric(10, 2) not null constraint ck_till_closes_counted check (counted_cash >= 0),
                difference numeric(10, 2) generated always as (counted_cash - expected_cash) stored,
                note varchar(500),
                closed_by varchar(254) not null,
                closed_at timestamptz not null default now()
            );
            create index ix_till_closes_day on till_closes (business_day, lower(staff_email), closed_at);
            create trigger tr_till_closes_append_only before update or delete on till_closes for each row execute function refuse_change();
            """);
    }

    public override void Down()
    {
        Execute.Sql("drop table till_closes;");
    }
}
