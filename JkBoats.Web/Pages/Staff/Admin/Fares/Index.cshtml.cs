using System.Text.RegularExpressions;
using JkBoats.Data;
using JkBoats.Data.Fares;
using JkBoats.Data.Schedule;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Staff.Admin.Fares;

/// <summary>Fare types and the price list of each destination, which new departures copy.</summary>
public sealed partial class IndexModel(FareRepository fares) : PageModel
{
    public IReadOnlyList<FareType> FareTypes { get; private set; } = [];

    public IReadOnlyList<IGrouping<string, PriceListRow>> PriceLists { get; private set; } = [];

    public List<string> Errors { get; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostSaveFareAsync(Guid? id, string? code, string? name, string? description, bool takesSeat, int? sortOrder,
        bool isActive, CancellationToken ct)
    {
        code = code?.Trim().ToLowerInvariant();
        name = name?.Trim();
        description = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        if (code is null || !CodePattern().IsMatch(code))
        {
            Errors.Add("Code: a lower-case word of up to 20 letters, digits or _, starting with a letter (e.g. local).");
        }
        if (string.IsNullOrEmpty(name) || name.Length > 50 || !PlainText.IsClean(name))
        {
            Errors.Add("Name: up to 50 characters, no invisible or direction characters.");
        }
        if (description is not null && (description.Length > 200 || !PlainText.IsClean(description)))
        {
            Errors.Add("Description: up to 200 characters, no invisible or direction characters.");
        }
        if (sortOrder is null or < 0 or > 1000 || !ModelState.IsValid)
        {
            Errors.Add("Order: a whole number from 0 to 1000.");
        }
        if (Errors.Count > 0)
        {
            return await ShowAsync(ct);
        }
        var (result, _) = await fares.SaveFareTypeAsync(id, new FareTypeEdit(code!, name!, description, takesSeat, sortOrder!.Value, isActive), ct);
        switch (result)
        {
            case FareEditResult.Done:
                TempData["Flash"] = $"Fare {name} saved. Prices of existing departures are unchanged.";
                return RedirectToPage();
            case FareEditResult.DuplicateCode:
                Errors.Add($"Another fare already has the code {code}.");
                break;
            case FareEditResult.AdultIsFixed:
                Errors.Add("The adult fare keeps its code, takes a seat and stays on sale: it is the price per seat.");
                break;
            default:
                return NotFound();
        }
        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostPriceListAsync(string? destination, Dictionary<Guid, string?> prices, CancellationToken ct)
    {
        destination = destination?.Trim();
        if (string.IsNullOrEmpty(destination) || destination.Length > 200 || !PlainText.IsClean(destination))
        {
            Errors.Add("Choose a destination.");
            return await ShowAsync(ct);
        }
        var known = await fares.ListFareTypesAsync(ct);
        var parsed = new Dictionary<Guid, decimal?>();
        foreach (var fare in known)
        {
            prices.TryGetValue(fare.Id, out var text);
            if (ScheduleInput.FarePrice(text, fare.Name, Errors, out var price))
            {
                parsed[fare.Id] = price;
            }
        }
        if (Errors.Count > 0)
        {
            return await ShowAsync(ct);
        }
        await fares.SetPriceListAsync(destination, parsed, ct);
        TempData["Flash"] = $"Price list for {destination} saved: new departures there copy it (the adult price is each departure's own price per seat).";
        return RedirectToPage();
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        FareTypes = await fares.ListFareTypesAsync(ct);
        PriceLists = (await fares.PriceListsAsync(ct)).GroupBy(r => r.Destination).ToList();
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,19}$")]
    private static partial Regex CodePattern();
}
