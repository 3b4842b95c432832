using System.Net;
using AngleSharp.Html.Dom;
using Dapper;
using JkBoats.Data.Staff;
using JkBoats.Tests.Infrastructure;
using JkBoats.Web.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Npgsql;

namespace JkBoats.Tests.Staff;

/// <summary>A browser-like client for staff pages: keeps cookies, and submits forms as parsed from the page.</summary>
public sealed class StaffSession(HttpClient http, string? email = null)
{
    public const string Password = "correct horse battery";

    /// <summary>The sign-in form (the layout's sign-out form, shown once signed in, has an action; this one posts to its page).</summary>
    public const string SignInForm = "main form:not([action])";

    public HttpClient Http => http;

    public string? Email => email;

    public static HttpClient NewClient(JkBoatsApp app) => new(new HttpClientHandler
    {
        CookieContainer = new CookieContainer(),
        UseCookies = true,
        AllowAutoRedirect = false,
    })
    {
        BaseAddress = app.BaseAddress,
    };

    /// <summary>Adds a member of staff straight into the database, hashed as the app hashes.</summary>
    public static async Task<string> CreateStaffAsync(NpgsqlDataSource db, string role, string password = Password, int iterations = StaffAuthentication.PasswordIterations)
    {
        var email = $"{role}.{Guid.NewGuid():N}@jkboats.example";
        var hasher = new PasswordHasher<StaffMember>(Options.Create(new PasswordHasherOptions { IterationCount = iterations }));
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("insert into staff (email, display_name, role, password_hash) values (@email, @name, @role, @hash)",
            new { email, name = $"Test {role}", role, hash = hasher.HashPassword(null!, password) });
        return email;
    }

    public static async Task<StaffSession> SignInAsync(JkBoatsApp app, NpgsqlDataSource db, string role)
    {
        var email = await CreateStaffAsync(db, role);
        var session = new StaffSession(NewClient(app), email);
        var response = await session.SubmitAsync("/staff/signin", SignInForm, new() { ["email"] = email, ["password"] = Password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return session;
    }

    public async Task<IHtmlDocument> GetDocumentAsync(string path)
    {
        var response = await http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode} {response.Headers.Location}");
        return await HtmlForms.ParseAsync(response);
    }

    public static Task<IHtmlDocument> ParseAsync(HttpResponseMessage response) => HtmlForms.ParseAsync(response);

    /// <summary>Loads the page, fills the form picked by the selector (its hidden antiforgery token included) and submits it.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, string formSelector, Dictionary<string, string> values,
        string? submitter = null, bool pastBrowserChecks = false)
    {
        var document = await GetDocumentAsync(path);
        var form = document.QuerySelector(formSelector) as IHtmlFormElement ?? throw new InvalidOperationException($"no form {formSelector} on {path}");
        return await SubmitAsync(form, values, submitter, pastBrowserChecks);
    }

    /// <summary>Submits a form already on a page (see <see cref="HtmlForms.Submission"/>).</summary>
    public Task<HttpResponseMessage> SubmitAsync(IHtmlFormElement form, Dictionary<string, string> values, string? submitter = null, bool pastBrowserChecks = false) =>
        http.SendAsync(HtmlForms.Submission(form, values, submitter, pastBrowserChecks));
}
