using System.Runtime.CompilerServices;

// The tests observe the template cache through TemplateRenderer.Compilations.
[assembly: InternalsVisibleTo("Notify.Core.Tests")]
