using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace JkBoats.Web.Api;

/// <summary>The OpenAPI document: every operation public and named, with a client error answer, on a server address without a trailing slash.</summary>
public static class ApiDocument
{
    public static void Configure(OpenApiOptions openApi)
    {
        openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "JK Boats booking API";
            document.Info.Description = "Find departures, book seats and look bookings up. Times are UTC (ISO-8601), money is decimal.";
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/');
            }
            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            {
                tag.Description ??= tag.Name switch
                {
                    "Departures" => "Departures with their boats, seats left and fares.",
                    "Bookings" => "Booking seats and finding bookings again.",
                    _ => null,
                };
            }
            return Task.CompletedTask;
        });
        openApi.AddSchemaTransformer((schema, context, _) =>
        {
            // The request records take nullable members only to tell a missing field from a wrong one; null is refused.
            if (context.JsonTypeInfo.Type == typeof(CreateBookingRequest) || context.JsonTypeInfo.Type == typeof(CustomerRequest))
            {
                foreach (var property in schema.Properties?.Values.OfType<OpenApiSchema>() ?? [])
                {
                    if (property.Type is { } type)
                    {
                        property.Type = type & ~JsonSchemaType.Null;
                    }
                }
            }
            return Task.CompletedTask;
        });
        openApi.AddOperationTransformer((operation, _, _) =>
        {
            // No operation needs credentials; saying so outright keeps generated clients from inventing any.
            operation.Security = [];
            operation.Responses ??= [];
            if (!operation.Responses.Keys.Any(status => status.StartsWith('4')))
            {
                operation.Responses["4XX"] = new OpenApiResponse { Description = "The request could not be read (for example a malformed address or headers)." };
            }
            return Task.CompletedTask;
        });
    }
}
