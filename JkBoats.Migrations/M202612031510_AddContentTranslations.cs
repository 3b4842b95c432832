using FluentMigrator;

namespace JkBoats.Migrations;

/// <summary>The operator's own content in the customer site's other languages: destination names and descriptions, fare names and
/// descriptions, and the operator's pier address, opening hours and cancellation policy. A text left empty (null) falls back to the
/// default language's: the destination's own name, the fare type's and the operator details' columns. Destinations get a
/// description in the default language too. Destinations are free text, so their rows are keyed like the price lists, by
/// <c>lower(destination)</c>.</summary>
[Migration(202612031510, "Destination, fare and operator texts per language")]
public sealed class M202612031510_AddContentTranslations : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            create table destination_details (
                destination varchar(200) not null,
                description varchar(1000),
                updated_at timestamptz not null default now(),
                updated_by varchar(254) not null
            );
            create unique index ux_destination_details on destination_details (lower(destination));

            create table destination_texts (
                destination varchar(200) not null,
                language varchar(10) not null constraint ck_destination_texts_language check (language ~ '^[a-z]{2,3}$'),
                name varchar(200),
                description varchar(1000),
                updated_at timestamptz not null default now(),
                updated_by varchar(254) not null
            );
            create unique index ux_destination_texts on destination_texts (lower(destination), language);

            create table fare_type_texts (
                fare_type_id uuid not null constraint fk_fare_type_texts_fare references fare_types (id) on delete cascade,
                language varchar(10) not null constraint ck_fare_type_texts_language check (language ~ '^[a-z]{2,3}$'),
                name varchar(50),
                description varchar(200),
                updated_at timestamptz not null default now(),
                updated_by varchar(254) not null,
                constraint pk_fare_type_texts primary key (fare_type_id, language)
            );

            create table operator_texts (
                language varchar(10) primary key constraint ck_operator_texts_language check (language ~ '^[a-z]{2,3}$'),
                pier_address varchar(300),
                opening_hours varchar(300),
                cancellation_policy varchar(1000),
                updated_at timestamptz not null default now(),
                updated_by varchar(254) not null
            );
            """);
    }

    public override void Down()
    {
        Execute.Sql("drop table operator_texts; drop table fare_type_texts; drop table destination_texts; drop table destination_details;");
    }
}
