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

public sealed class StaffSession(HttpClient http, string? email = null, CookieContainer? cookies = null)
{
    public const string Password = "correct horse battery";

    /// <summary>The sign-in form (the layout's sign-out form, shown once signed in, has an action; this one posts to its page).</summary>
    public const string SignInForm = "main form:not([action])";

    public HttpClient Http => http;

    public string? Email => email;

    public static HttpClient NewClient(JkBoatsApp app, CookieContainer? cookies = null) => new(new HttpClientHandler
    {
        CookieContainer = cookies ?? new CookieContainer(),
        UseCookies = true,
        AllowAutoRedirect = false,
    })
    {
        BaseAddress = app.BaseAddress,
    };

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
        return await SignInAsync(app, email);
    }

    public static async Task<StaffSession> SignInAsync(JkBoatsApp app, string email)
    {
        var cookies = new CookieContainer();
        var session = new StaffSession(NewClient(app, cookies), email, cookies);
        var response = await session.SubmitAsync("/staff/signin", SignInForm, new() { ["email"] = email, ["password"] = Password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return session;
    }

    /// <summary>Another client holding copies of this session's cookies, as someone who copied them out of the browser would use
    /// them, against this instance or another one (cookies do not care for the port).</summary>
    public StaffSession Copy(JkBoatsApp app)
    {
        var copies = new CookieContainer();
        foreach (var cookie in (cookies ?? throw new InvalidOperationException("This session does not keep its cookies.")).GetAllCookies().Cast<Cookie>())
        {
            copies.Add(new Cookie(cookie.Name, cookie.Value, cookie.Path, cookie.Domain));
        }
        return new StaffSession(NewClient(app, copies), email, copies);
    }

    public async Task<IHtmlDocument> GetDocumentAsync(string path)
    {
        var response = await http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode} {response.Headers.Location}");
        return await HtmlForms.ParseAsync(response);
    }

    public static Task<IHtmlDocument> ParseAsync(HttpResponseMessage response) => HtmlForms.ParseAsync(response);

    public async Task<HttpResponseMessage> SubmitAsync(string path, string formSelector, Dictionary<string, string> values,
        string? submitter = null, bool pastBrowserChecks = false)
    {
        var document = await GetDocumentAsync(path);
        var form = document.QuerySelector(formSelector) as IHtmlFormElement ?? throw new InvalidOperationException($"no form {formSelector} on {path}");
        return await SubmitAsync(form, values, submitter, pastBrowserChecks);
    }

    public Task<HttpResponseMessage> SubmitAsync(IHtmlFormElement form, Dictionary<string, string> values, string? submitter = null, bool pastBrowserChecks = false) =>
        http.SendAsync(HtmlForms.Submission(form, values, submitter, pastBrowserChecks));
}
