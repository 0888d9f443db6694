namespace SandboxOperator.Api.V1Alpha1;

// Attributes the CRD generator reads where System.ComponentModel.DataAnnotations has no word for a schema rule.

/// <summary>
/// Marks a list as a map keyed by one field (x-kubernetes-list-type: map), so server-side apply and GitOps tools
/// merge its items by key instead of replacing the list.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListMapKeyAttribute(string key) : Attribute
{
    public string Key { get; } = key;
}

/// <summary>A pattern and length for each string of a list (the list's own length is MinLength/MaxLength).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemPatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;

    public int MinLength { get; init; }

    public int MaxLength { get; init; }
}

/// <summary>
/// A pattern and length for each value of a map (a dictionary property: the schema's <c>additionalProperties</c>).
/// Its keys cannot be checked by a structural schema without CEL (patternProperties is not allowed in a CRD), which
/// Kubernetes 1.20, the API server the tests run on, does not have; whoever reads the map checks them.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ValuePatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;

    public int MaxLength { get; init; }
}

/// <summary>
/// One alternative of an object's <c>anyOf</c>: the object is valid when at least one alternative holds, each
/// saying that one property takes one of the given values. This is how a structural schema without CEL (Kubernetes
/// before 1.25) says a rule across two fields, e.g. "not public, or HTTP/HTTP2".
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class AnyOfCaseAttribute(string property, params object[] values) : Attribute
{
    public string Property { get; } = property;

    public IReadOnlyList<object> Values { get; } = values;
}

/// <summary>
/// Exactly one of the given properties must be set (a <c>oneOf</c> of <c>required</c> lists): how a structural schema
/// without CEL says "this or that, not both, not neither".
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class OneOfRequiredAttribute(params string[] properties) : Attribute
{
    public IReadOnlyList<string> Properties { get; } = properties;
}

/// <summary>
/// What an inherited property means on this type, where it means something else than on the type that declares it:
/// its CRD description. The property's schema rules stay the declaring type's, stated once (see
/// <see cref="SandboxBlueprint"/>). The generator refuses one that names no property of the type.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class PropertyDescriptionAttribute(string property, string description) : Attribute
{
    /// <summary>The C# name of the property (<c>nameof</c>), not its JSON name.</summary>
    public string Property { get; } = property;

    public string Description { get; } = description;
}
