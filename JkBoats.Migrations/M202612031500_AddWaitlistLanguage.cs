using FluentMigrator;

namespace JkBoats.Migrations;

/// <summary>The language a waiting-list entry was made in (the customer site's language when they joined), for its offer email
/// and the booking its claim makes. Entries made before are English, as the site was.</summary>
[Migration(202612031500, "The language of each waiting-list entry")]
public sealed class M202612031500_AddWaitlistLanguage : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            alter table waitlist_entries add column language varchar(10) not null default 'en'
                constraint ck_waitlist_entries_language check (language ~ '^[a-z]{2,3}$');
            """);
    }

    public override void Down()
    {
        Execute.Sql("alter table waitlist_entries drop column language;");
    }
}
