using FluentMigrator;

namespace JkBoats.Migrations;

/// <summary>The language a booking was made in (the customer site's language at the time), for its emails. Bookings made before
/// are English, as the site was.</summary>
[Migration(202612031400, "The language of each booking")]
public sealed class M202612031400_AddBookingLanguage : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            alter table bookings add column language varchar(10) not null default 'en'
                constraint ck_bookings_language check (language ~ '^[a-z]{2,3}$');
            """);
    }

    public override void Down()
    {
        Execute.Sql("alter table bookings drop column language;");
    }
}
