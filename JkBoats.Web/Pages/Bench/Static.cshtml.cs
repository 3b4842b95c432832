using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JkBoats.Web.Pages.Bench;

/// <summary>
/// The benchmark's ceiling: the site's layout around fixed markup the size of a listing page, no database.
/// Served only when JkBoats:Bench:Enabled is set (bench/run.sh sets it).
/// </summary>
public sealed class StaticModel(IConfiguration configuration) : PageModel
{
    public IActionResult OnGet() => configuration.GetValue<bool>("JkBoats:Bench:Enabled") ? Page() : NotFound();
}
