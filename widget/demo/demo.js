// The Parley install snippet, as a site would paste it (kept in a file for the page's CSP).
window.Parley = window.Parley || function () { (Parley.q = Parley.q || []).push(arguments) };
Parley('boot', { server: location.origin, title: 'Northwind Roasters' });
