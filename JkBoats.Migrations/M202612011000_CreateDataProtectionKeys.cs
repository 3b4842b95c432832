using FluentMigrator;

namespace JkBoats.Migrations;

[Migration(202612011000, "Data Protection key ring shared by every app instance")]
public sealed class M202612011000_CreateDataProtectionKeys : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            create table data_protection_keys (
                id bigint generated always as identity primary key,
                friendly_name text not null unique,
                xml text not null,
                created_at timestamptz not null default now()
            );
            """);
    }

    public override void Down()
    {
        Delete.Table("data_protection_keys");
    }
}
