using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace JkBoats.Web.Infrastructure;

/// <summary>The Data Protection key ring in the <c>data_protection_keys</c> table, so every instance signs and reads antiforgery
/// tokens and staff cookies with the same keys, across restarts. The framework calls it synchronously and rarely.</summary>
public sealed class PostgresXmlRepository(NpgsqlDataSource db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        const string sql = "select xml from data_protection_keys order by id";
        using var connection = db.OpenConnection();
        return connection.Query<string>(new CommandDefinition(sql)).Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        const string sql = """
            insert into data_protection_keys (friendly_name, xml)
            values (@FriendlyName, @Xml)
            on conflict (friendly_name) do nothing
            """;
        using var connection = db.OpenConnection();
        connection.Execute(new CommandDefinition(sql, new { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) }));
    }
}
