using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Serialization;
using k8s.Models;
using SandboxOperator.Api.V1Alpha1;

namespace SandboxOperator.Api.Crds;

/// <summary>
/// Builds an OpenAPI v3 structural schema from API types by reflection: JSON names, descriptions, required
/// fields, enums, patterns, ranges and defaults come from the same attributes the code is written with, so the
/// CRD cannot drift from the types.
/// </summary>
public static class SchemaGenerator
{
    public static V1JSONSchemaProps For(Type type) => ForType(type, new NullabilityInfoContext());

    private static V1JSONSchemaProps ForType(Type type, NullabilityInfoContext nullability)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new V1JSONSchemaProps { Type = "string" };
        }

        if (type == typeof(bool))
        {
            return new V1JSONSchemaProps { Type = "boolean" };
        }

        if (type == typeof(int))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = "int32" };
        }

        if (type == typeof(long))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = "int64" };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new V1JSONSchemaProps { Type = "string", Format = "date-time" };
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            return new V1JSONSchemaProps { Type = "object", AdditionalProperties = ForType(valueType, nullability) };
        }

        if (ListItemType(type) is { } itemType)
        {
            return new V1JSONSchemaProps { Type = "array", Items = ForType(itemType, nullability) };
        }

        return ForObject(type, nullability);
    }

    private static V1JSONSchemaProps ForObject(Type type, NullabilityInfoContext nullability)
    {
        var properties = new Dictionary<string, V1JSONSchemaProps>();
        var required = new List<string>();
        var descriptions = DescriptionsOfInherited(type);
        foreach (var property in InJsonOrder(type))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (name is null || property.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
            {
                continue;
            }

            var schema = ForType(property.PropertyType, nullability);
            Decorate(schema, property);
            if (descriptions.TryGetValue(property.Name, out var description))
            {
                schema.Description = description;
            }

            properties[name] = schema;
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        return new V1JSONSchemaProps
        {
            Type = "object",
            Description = type.GetCustomAttribute<DescriptionAttribute>()?.Description,
            Properties = properties,
            Required = required.Count == 0 ? null : required,
            AnyOf = AnyOf(type),
            OneOf = type.GetCustomAttribute<OneOfRequiredAttribute>() is { } oneOf
                ? oneOf.Properties.Select(p => new V1JSONSchemaProps { Required = [p] }).ToList()
                : null,
        };
    }

    /// <summary>
    /// The properties in the order System.Text.Json writes them: a derived type's before its base type's, each in
    /// declaration order, then by [JsonPropertyOrder] (a stable sort), so the schema lists fields as the JSON has them.
    /// </summary>
    private static IEnumerable<PropertyInfo> InJsonOrder(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .OrderBy(p => p.GetCustomAttribute<JsonPropertyOrderAttribute>()?.Order ?? 0);

    /// <summary>What the type says its inherited properties mean (<see cref="PropertyDescriptionAttribute"/>), by C# name.</summary>
    private static Dictionary<string, string> DescriptionsOfInherited(Type type)
    {
        var descriptions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in type.GetCustomAttributes<PropertyDescriptionAttribute>(inherit: false))
        {
            if (type.GetProperty(attribute.Property, BindingFlags.Public | BindingFlags.Instance) is null || !descriptions.TryAdd(attribute.Property, attribute.Description))
            {
                throw new InvalidOperationException($"{type.Name}: [PropertyDescription(\"{attribute.Property}\")] names no property of it, or names one twice.");
            }
        }

        return descriptions;
    }

    private static List<V1JSONSchemaProps>? AnyOf(Type type)
    {
        var cases = type.GetCustomAttributes<AnyOfCaseAttribute>().ToList();
        return cases.Count == 0 ? null : cases
            .Select(c => new V1JSONSchemaProps
            {
                Properties = new Dictionary<string, V1JSONSchemaProps> { [c.Property] = new() { EnumProperty = [.. c.Values] } },
            })
            .ToList();
    }

    private static void Decorate(V1JSONSchemaProps schema, PropertyInfo property)
    {
        schema.Description = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? schema.Description;
        if (property.GetCustomAttribute<DefaultValueAttribute>() is { Value: { } value })
        {
            schema.DefaultProperty = value;
        }

        if (property.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed)
        {
            schema.EnumProperty = allowed.Values.Where(v => v is not null).Cast<object>().ToList();
        }

        if (property.GetCustomAttribute<RegularExpressionAttribute>() is { } pattern)
        {
            schema.Pattern = pattern.Pattern;
        }

        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            schema.Minimum = Convert.ToDouble(range.Minimum, System.Globalization.CultureInfo.InvariantCulture);
            schema.Maximum = Convert.ToDouble(range.Maximum, System.Globalization.CultureInfo.InvariantCulture);
        }

        DecorateLengths(schema, property);
        if (property.GetCustomAttribute<ListMapKeyAttribute>() is { } key)
        {
            schema.XKubernetesListType = "map";
            schema.XKubernetesListMapKeys = [key.Key];
        }
    }

    /// <summary>Length bounds: a string's characters, a list's items and each item string's characters, a map's values.</summary>
    private static void DecorateLengths(V1JSONSchemaProps schema, PropertyInfo property)
    {
        var isArray = schema.Type == "array";
        if (property.GetCustomAttribute<MinLengthAttribute>() is { } min)
        {
            if (isArray)
            {
                schema.MinItems = min.Length;
            }
            else
            {
                schema.MinLength = min.Length;
            }
        }

        if (property.GetCustomAttribute<MaxLengthAttribute>() is { } max)
        {
            if (isArray)
            {
                schema.MaxItems = max.Length;
            }
            else
            {
                schema.MaxLength = max.Length;
            }
        }

        if (property.GetCustomAttribute<ItemPatternAttribute>() is { } item && schema.Items is V1JSONSchemaProps items)
        {
            items.Pattern = item.Pattern;
            items.MinLength = item.MinLength > 0 ? item.MinLength : null;
            items.MaxLength = item.MaxLength > 0 ? item.MaxLength : null;
        }

        if (property.GetCustomAttribute<ValuePatternAttribute>() is { } value && schema.AdditionalProperties is V1JSONSchemaProps values)
        {
            values.Pattern = value.Pattern;
            values.MaxLength = value.MaxLength > 0 ? value.MaxLength : null;
        }
    }

    private static Type? ListItemType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments() is [var item] ? item
        : null;

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericArguments() is [var key, var value] && key == typeof(string)
            && (type.GetGenericTypeDefinition() == typeof(IDictionary<,>) || type.GetGenericTypeDefinition() == typeof(Dictionary<,>) || type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
            ? value
            : null;
}
