using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace JkBoats.Tests.Api;

public static class BookingApi
{
    public sealed record Answer(int Status, JsonElement Body, HttpResponseMessage Response);

    public static object Body(Guid departureId, int seats, object? customer = null) => new
    {
        departure_id = departureId,
        seats_requested = seats,
        customer = customer ?? Infrastructure.TestData.Customer(),
    };

    public static async Task<Answer> PostAsync(HttpClient http, object body, string? idempotencyKey = null) =>
        await PostRawAsync(http, JsonSerializer.Serialize(body), idempotencyKey);

    public static async Task<Answer> PostRawAsync(HttpClient http, string json, string? idempotencyKey = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = new StringContent(json, Encoding.UTF8, contentType),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new Answer((int)response.StatusCode, body, response);
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>());
    }
}
