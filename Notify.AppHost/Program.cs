using System.Reflection;
foreach (var a in Assembly.GetExecutingAssembly().GetCustomAttributes<AssemblyMetadataAttribute>()) Console.WriteLine($"{a.Key} = {a.Value}");
