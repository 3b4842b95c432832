using FluentMigrator;

namespace JkBoats.Migrations;

/// <summary>The four fares the product comes with (adult, child, senior, infant) in Greek and French, so a Greek or French
/// visitor of a new operator reads them in their language. Only where the fare still has its shipped English name (an operator
/// who renamed it gives its texts in Admin → Translations) and no text was given yet.</summary>
[Migration(202612031600, "Greek and French names and descriptions of the built-in fares")]
public sealed class M202612031600_TranslateBuiltInFares : Migration
{
    public override void Up()
    {
        Execute.Sql("""
            insert into fare_type_texts (fare_type_id, language, name, description, updated_by)
            select f.id, t.language, t.name, t.description, 'system'
            from (values
                ('adult', 'Adult', 'el', 'Ενήλικας', '13 ετών και άνω'), ('adult', 'Adult', 'fr', 'Adulte', '13 ans et plus'),
                ('child', 'Child', 'el', 'Παιδί', '4 έως 12 ετών'), ('child', 'Child', 'fr', 'Enfant', 'De 4 à 12 ans'),
                ('senior', 'Senior', 'el', 'Ηλικιωμένος', '65 ετών και άνω'), ('senior', 'Senior', 'fr', 'Senior', '65 ans et plus'),
                ('infant', 'Infant', 'el', 'Βρέφος', 'Κάτω των 4 ετών'), ('infant', 'Infant', 'fr', 'Bébé', 'Moins de 4 ans')
            ) as t(code, english, language, name, description)
            join fare_types f on f.code = t.code and f.name = t.english
            on conflict (fare_type_id, language) do nothing;
            """);
    }

    public override void Down()
    {
        Execute.Sql("delete from fare_type_texts where updated_by = 'system';");
    }
}
