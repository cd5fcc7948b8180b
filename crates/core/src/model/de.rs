//! The one deserializer every typed object and saved state goes through: a JSON value
//! read in place (as serde_json's `&Value` deserializer reads it, with the same
//! coercions and error texts, except that a struct is read from an object only),
//! keeping the path to the field being read, so an error
//! says where it is (`spec.containers[0].ports[0].containerPort: invalid type: ...`).
//!
//! Manifests (after the YAML layer), `Object::from_json`, share links and snapshots all
//! use it: each type's Deserialize code is instantiated once, for this deserializer,
//! which keeps the wasm bundle from carrying a copy per deserializer.

use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{
    self, Deserialize, DeserializeOwned, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess,
    SeqAccess, Unexpected, VariantAccess, Visitor,
};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// One step of a path into a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An element of a list, by index.
    Seq { index: usize },
    /// A field of an object or an entry of a map, by key.
    Map { key: String },
    /// The content of an enum's variant (`{"Variant": ...}`), by the variant's name.
    Enum { variant: String },
}

/// Where in a value an error happened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path {
    segments: Vec<Segment>,
}

impl Path {
    pub fn iter(&self) -> std::slice::Iter<'_, Segment> {
        self.segments.iter()
    }

    pub fn from_segments(segments: impl IntoIterator<Item = Segment>) -> Path {
        Path {
            segments: segments.into_iter().collect(),
        }
    }
}

/// `spec.containers[0].image`; `.` for the root.
impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str(".");
        }
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Seq { index } => write!(f, "[{index}]")?,
                Segment::Map { key } | Segment::Enum { variant: key } => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(key)?;
                }
            }
        }
        Ok(())
    }
}

/// A deserialization error and where it happened.
#[derive(Debug)]
pub struct PathError {
    path: Path,
    inner: serde_json::Error,
}

impl PathError {
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn into_inner(self) -> serde_json::Error {
        self.inner
    }
}

/// `path: message`, or the message alone at the root.
impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.segments.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.inner)
    }
}

impl std::error::Error for PathError {}

/// Reads a `T` from `value`; an error names the path of the field it concerns.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, PathError> {
    let path = RefCell::new(Vec::new());
    T::deserialize(De { value, path: &path }).map_err(|inner| PathError {
        path: Path {
            segments: path.into_inner().into_iter().map(Step::owned).collect(),
        },
        inner,
    })
}

/// A step of the path while reading, borrowed from the value.
#[derive(Clone, Copy)]
enum Step<'de> {
    Seq(usize),
    Map(&'de str),
    Enum(&'de str),
}

impl Step<'_> {
    fn owned(self) -> Segment {
        match self {
            Step::Seq(index) => Segment::Seq { index },
            Step::Map(key) => Segment::Map {
                key: key.to_string(),
            },
            Step::Enum(variant) => Segment::Enum {
                variant: variant.to_string(),
            },
        }
    }
}

/// The path so far: each map, list and variant pushes its step while its content is
/// read and takes it off once that succeeded, so after an error it leads to the failing
/// field. Each level first cuts the path back to its own depth, so a failure that some
/// visitor recovered from leaves nothing behind.
type Trail<'de> = RefCell<Vec<Step<'de>>>;

#[derive(Clone, Copy)]
struct De<'de, 'p> {
    value: &'de Value,
    path: &'p Trail<'de>,
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => number_unexpected(n),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

fn number_unexpected(n: &Number) -> Unexpected<'static> {
    if let Some(u) = n.as_u64() {
        Unexpected::Unsigned(u)
    } else if let Some(i) = n.as_i64() {
        Unexpected::Signed(i)
    } else {
        Unexpected::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

fn visit_number<'de, V: Visitor<'de>>(
    n: &Number,
    visitor: V,
) -> Result<V::Value, serde_json::Error> {
    if let Some(u) = n.as_u64() {
        visitor.visit_u64(u)
    } else if let Some(i) = n.as_i64() {
        visitor.visit_i64(i)
    } else {
        visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
    }
}

impl<'de, 'p> De<'de, 'p> {
    fn child(self, value: &'de Value) -> De<'de, 'p> {
        De {
            value,
            path: self.path,
        }
    }

    /// k8s-openapi's `Time` or `MicroTime`: checked as the API server's Go code parses
    /// it (`time.Parse` with RFC 3339, or with six fractional digits), so a bad one gets
    /// the API server's text; what Go takes, jiff (k8s-openapi's time type) reads.
    fn visit_time<V: Visitor<'de>>(
        self,
        layout: super::gotime::Layout,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        if let Value::String(text) = self.value {
            super::gotime::check(text, layout).map_err(de::Error::custom)?;
        }
        visitor.visit_newtype_struct(self)
    }

    fn invalid_type<V: Visitor<'de>>(self, visitor: &V) -> serde_json::Error {
        de::Error::invalid_type(unexpected(self.value), visitor)
    }

    fn visit_array<V: Visitor<'de>>(
        self,
        items: &'de [Value],
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        let mut seq = SeqDe {
            iter: items.iter(),
            index: 0,
            depth: self.path.borrow().len(),
            de: self,
        };
        let value = visitor.visit_seq(&mut seq)?;
        if seq.iter.len() == 0 {
            Ok(value)
        } else {
            Err(de::Error::invalid_length(
                items.len(),
                &"fewer elements in array",
            ))
        }
    }

    fn visit_object<V: Visitor<'de>>(
        self,
        map: &'de Map<String, Value>,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        let mut access = MapDe {
            iter: map.iter(),
            value: None,
            depth: self.path.borrow().len(),
            de: self,
        };
        let value = visitor.visit_map(&mut access)?;
        if access.iter.len() == 0 {
            Ok(value)
        } else {
            Err(de::Error::invalid_length(
                map.len(),
                &"fewer elements in map",
            ))
        }
    }

    /// Goes one step down the path, first cutting it back to `depth` (the level's own).
    fn enter(self, depth: usize, segment: Step<'de>) {
        let mut path = self.path.borrow_mut();
        path.truncate(depth);
        path.push(segment);
    }

    /// Back to `depth` once the step's content was read.
    fn leave(self, depth: usize) {
        self.path.borrow_mut().truncate(depth);
    }

    /// Reads `value` with `seed` one step further down the path.
    fn step<T: DeserializeSeed<'de>>(
        self,
        depth: usize,
        segment: Step<'de>,
        value: &'de Value,
        seed: T,
    ) -> Result<T::Value, serde_json::Error> {
        self.enter(depth, segment);
        let out = seed.deserialize(self.child(value))?;
        self.leave(depth);
        Ok(out)
    }
}

macro_rules! numbers {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
                match self.value {
                    Value::Number(n) => visit_number(n, visitor),
                    _ => Err(self.invalid_type(&visitor)),
                }
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for De<'de, '_> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => visit_number(n, visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => self.visit_array(items, visitor),
            Value::Object(map) => self.visit_object(map, visitor),
        }
    }

    numbers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Object(map) => {
                let mut entries = map.iter();
                match (entries.next(), entries.next()) {
                    (Some((variant, value)), None) => visitor.visit_enum(EnumDe {
                        variant,
                        value: Some(value),
                        de: self,
                    }),
                    _ => Err(de::Error::invalid_value(
                        Unexpected::Map,
                        &"map with a single key",
                    )),
                }
            }
            Value::String(variant) => visitor.visit_enum(EnumDe {
                variant,
                value: None,
                de: self,
            }),
            other => Err(de::Error::invalid_type(unexpected(other), &"string or map")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match name {
            "Time" => self.visit_time(super::gotime::Layout::Time, visitor),
            "MicroTime" => self.visit_time(super::gotime::Layout::MicroTime, visitor),
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Bool(b) => visitor.visit_bool(*b),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => self.visit_array(items, visitor),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Array(items) => self.visit_array(items, visitor),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Object(map) => self.visit_object(map, visitor),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        // From an object only (serde_json also takes an array, by field position): no
        // derived struct's sequence visitor is then in the bundle.
        self.deserialize_map(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }
}

struct SeqDe<'de, 'p> {
    iter: std::slice::Iter<'de, Value>,
    index: usize,
    depth: usize,
    de: De<'de, 'p>,
}

impl<'de> SeqAccess<'de> for SeqDe<'de, '_> {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        let Some(value) = self.iter.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        self.de
            .step(self.depth, Step::Seq(index), value, seed)
            .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct MapDe<'de, 'p> {
    iter: serde_json::map::Iter<'de>,
    /// The entry whose key was read and value not yet.
    value: Option<(&'de str, &'de Value)>,
    depth: usize,
    de: De<'de, 'p>,
}

impl<'de> MapAccess<'de> for MapDe<'de, '_> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.de.leave(self.depth);
        self.value = Some((key, value));
        let key = BorrowedStrDeserializer::<'de, serde_json::Error>::new(key);
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let Some((key, value)) = self.value.take() else {
            return Err(de::Error::custom("value is missing"));
        };
        self.de.step(self.depth, Step::Map(key), value, seed)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct EnumDe<'de, 'p> {
    variant: &'de str,
    value: Option<&'de Value>,
    de: De<'de, 'p>,
}

impl<'de, 'p> EnumAccess<'de> for EnumDe<'de, 'p> {
    type Error = serde_json::Error;
    type Variant = VariantDe<'de, 'p>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Self::Error> {
        let name: StrDeserializer<'_, serde_json::Error> = self.variant.into_deserializer();
        let variant = seed.deserialize(name)?;
        Ok((
            variant,
            VariantDe {
                variant: self.variant,
                value: self.value,
                depth: self.de.path.borrow().len(),
                de: self.de,
            },
        ))
    }
}

struct VariantDe<'de, 'p> {
    variant: &'de str,
    value: Option<&'de Value>,
    depth: usize,
    de: De<'de, 'p>,
}

impl<'de> VariantDe<'de, '_> {
    fn segment(&self) -> Step<'de> {
        Step::Enum(self.variant)
    }
}

impl<'de> VariantAccess<'de> for VariantDe<'de, '_> {
    type Error = serde_json::Error;

    fn unit_variant(self) -> Result<(), Self::Error> {
        match self.value {
            Some(value) => {
                self.de.enter(self.depth, self.segment());
                <()>::deserialize(self.de.child(value))?;
                self.de.leave(self.depth);
                Ok(())
            }
            None => Ok(()),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, Self::Error> {
        match self.value {
            Some(value) => {
                let segment = self.segment();
                self.de.step(self.depth, segment, value, seed)
            }
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"newtype variant",
            )),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.value {
            Some(Value::Array(items)) => {
                self.de.enter(self.depth, self.segment());
                let out = if items.is_empty() {
                    visitor.visit_unit()?
                } else {
                    self.de.visit_array(items, visitor)?
                };
                self.de.leave(self.depth);
                Ok(out)
            }
            Some(other) => Err(de::Error::invalid_type(unexpected(other), &"tuple variant")),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"tuple variant",
            )),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.value {
            Some(Value::Object(map)) => {
                self.de.enter(self.depth, self.segment());
                let out = self.de.visit_object(map, visitor)?;
                self.de.leave(self.depth);
                Ok(out)
            }
            Some(other) => Err(de::Error::invalid_type(
                unexpected(other),
                &"struct variant",
            )),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"struct variant",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, Pod};
    use serde::Deserialize;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[derive(Debug, PartialEq, Deserialize)]
    enum Shape {
        Unit,
        Newtype(u8),
        Tuple(u8, String),
        Struct { side: i32, name: Option<String> },
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Holder {
        shapes: Vec<Shape>,
        #[serde(default)]
        by_name: BTreeMap<String, f64>,
        flag: Option<bool>,
        unit: (),
        pair: (u16, char),
    }

    /// Our reading and serde_json's `&Value` reading agree: the same value, or the same
    /// error text.
    fn same<T: DeserializeOwned + PartialEq + fmt::Debug>(value: Value) -> Result<T, PathError> {
        let ours = from_value::<T>(&value);
        let theirs = T::deserialize(&value);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{value}"),
            (Err(a), Err(b)) => assert_eq!(a.inner.to_string(), b.to_string(), "{value}"),
            _ => panic!("{value}: {ours:?} against {theirs:?}"),
        }
        ours
    }

    #[test]
    fn reads_as_serde_json_reads_a_value() {
        let good = json!({"shapes": ["Unit", {"Newtype": 7}, {"Tuple": [1, "a"]},
            {"Struct": {"side": -3, "name": null}}], "by_name": {"a": 1.5, "b": 2},
            "flag": true, "unit": null, "pair": [65535, "x"]});
        assert!(same::<Holder>(good).is_ok());
        for (value, path) in [
            (json!({"shapes": [{"Newtype": 300}]}), "shapes[0].Newtype"),
            (json!({"shapes": [], "flag": "yes"}), "flag"),
            (json!({"shapes": [], "unit": 1, "pair": [1, "x"]}), "unit"),
            (
                json!({"shapes": [], "unit": null, "pair": [1, "xy"]}),
                "pair[1]",
            ),
            (
                json!({"shapes": [], "unit": null, "pair": [1, "x", 3]}),
                "pair",
            ),
            (
                json!({"shapes": [{"Struct": {"side": 1.5}}]}),
                "shapes[0].Struct.side",
            ),
            (
                json!({"shapes": [{"Struct": {"name": "x"}}]}),
                "shapes[0].Struct",
            ),
            (
                json!({"shapes": [{"Struct": {"side": 1}}], "unit": null}),
                ".",
            ),
            (json!({"shapes": [{"A": 1, "B": 2}]}), "shapes[0]"),
            (json!({"shapes": [7]}), "shapes[0]"),
            (json!({"shapes": ["Tuple"]}), "shapes[0]"),
            (json!({"shapes": [{"Unit": 3}]}), "shapes[0].Unit"),
            (json!({"shapes": [], "by_name": {"a": "x"}}), "by_name.a"),
            // A key that is not a field fails as the key is read: the object's path.
            (json!({"shapes": [], "other": 1}), "."),
            (json!({"shapes": []}), "."),
        ] {
            let e = same::<Holder>(value.clone()).expect_err("an error");
            assert_eq!(e.path().to_string(), path, "{value}: {e}");
            if path == "." {
                assert_eq!(e.to_string(), e.inner.to_string());
            } else {
                assert_eq!(e.to_string(), format!("{path}: {}", e.inner));
            }
        }
    }

    /// A struct is read from an object only: serde_json also reads one from an array, by
    /// field position, which Kubernetes objects do not accept (k8s-openapi's visitors
    /// have no sequence form) and snapshots never write.
    #[test]
    fn a_struct_is_not_read_from_an_array() {
        let e = from_value::<Holder>(&json!([[], {}, true, null, [1, "x"]])).expect_err("an array");
        assert_eq!(
            e.to_string(),
            "invalid type: sequence, expected struct Holder"
        );
        let e = same::<Pod>(json!({"metadata": []})).expect_err("an array");
        assert_eq!(e.path().to_string(), "metadata");
        assert_eq!(
            e.inner.to_string(),
            "invalid type: sequence, expected ObjectMeta"
        );
    }

    #[test]
    fn kubernetes_objects_read_the_same_and_errors_name_their_field() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a",
            "labels": {"app": "web"}, "creationTimestamp": "2026-01-05T09:00:00Z"},
            "spec": {"containers": [{"name": "c", "image": "nginx",
                "ports": [{"containerPort": 80}],
                "resources": {"requests": {"cpu": "100m"}}}],
                "tolerations": [{"operator": "Exists"}],
                "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
                    {"nodeSelectorTerms": [{"matchExpressions": [{"key": "k", "operator": "In", "values": ["v"]}]}]}}}},
            "status": {"phase": "Running", "podIP": "10.244.1.2"}});
        assert!(same::<Pod>(pod.clone()).is_ok());
        let mut bad = pod.clone();
        bad["spec"]["containers"][0]["ports"][0]["containerPort"] = json!("eighty");
        let e = same::<Pod>(bad).expect_err("a string port");
        assert_eq!(
            e.path().to_string(),
            "spec.containers[0].ports[0].containerPort"
        );
        let mut bad = pod;
        bad["metadata"]["creationTimestamp"] = json!("yesterday");
        // A timestamp is checked as the API server's Go code parses it, with its text
        // (serde_json's reading reports jiff's).
        let e = from_value::<Pod>(&bad).expect_err("a bad time");
        assert_eq!(e.path().to_string(), "metadata.creationTimestamp");
        assert_eq!(
            e.inner.to_string(),
            r#"parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006""#
        );
        let e = from_value::<Pod>(&json!({"metadata": {"creationTimestamp": 5}})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "metadata.creationTimestamp: invalid type: integer `5`, expected a timestamp string"
        );
        let lease = json!({"spec": {"renewTime": "2026-01-05T09:00:00.250000Z"}});
        let read = from_value::<crate::model::Lease>(&lease).unwrap();
        let written = serde_json::to_value(&read).unwrap();
        assert_eq!(written["spec"], lease["spec"]);
        let e = same::<Node>(json!({"spec": {"taints": {"key": "k"}}})).expect_err("not a list");
        assert_eq!(e.path().to_string(), "spec.taints");
        let e = same::<Node>(json!({"spec": {"unschedulable": "yes"}})).expect_err("a string");
        assert_eq!(e.path().to_string(), "spec.unschedulable");
    }
}
