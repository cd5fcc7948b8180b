//! The decoded form templates run over.
//!
//! kubectl decodes objects into `map[string]interface{}` and runs its JSONPath engine
//! over that. Podlab's equivalent is [`Doc`]: any `Serialize` value (the typed objects
//! of the store, or a `serde_json::Value`) is serialized straight into it. Nodes sit in
//! one array in document order (a pod's nodes side by side, pod after pod); strings
//! share one buffer; an object's entries sit side by side as (key symbol, node id)
//! pairs, sorted by key as Go sorts map keys, and each distinct key is interned once,
//! so a field step is a scan of a few integers instead of string compares across the
//! heap. (Measured against keeping each child's node inline in its parent's list:
//! document order was faster for every template of the benchmark.)

use crate::hash::FxHashMap;
use serde::ser::{self, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;

/// A node's place in the document.
pub(super) type Id = u32;

/// One node of the document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Node {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer beyond i64 (as serde_json keeps it).
    UInt(u64),
    Float(f64),
    /// `len` bytes of the string buffer from `start`.
    Str {
        start: u32,
        len: u32,
    },
    /// `len` node ids from `items[start..]`.
    Array {
        start: u32,
        len: u32,
    },
    /// `len` (key, node) pairs from `entries[start..]`, in key order.
    Object {
        start: u32,
        len: u32,
    },
}

/// A document laid out for JSONPath evaluation (see the module docs).
#[derive(Debug)]
pub struct Doc {
    nodes: Vec<Node>,
    text: String,
    items: Vec<Id>,
    entries: Vec<(u32, Id)>,
    symbols: FxHashMap<Box<str>, u32>,
    /// Symbol id to key.
    names: Vec<Box<str>>,
    /// Containers being filled: their node, where their children start on `open`,
    /// and whether they are arrays.
    frames: Vec<(Id, usize, bool)>,
    /// Children of the containers being filled, innermost last: (key symbol, node).
    open: Vec<(u32, Id)>,
    /// The key of the map entry being serialized.
    pending_key: u32,
}

/// Objects longer than this are searched by key order rather than scanned.
const SCAN_LIMIT: usize = 16;
/// The key slot of an array element.
const NO_KEY: u32 = u32::MAX;

/// Why a value could not be laid out (a map key that is not a string or number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError(String);

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DocError {}

impl Default for Doc {
    fn default() -> Doc {
        Doc {
            nodes: Vec::new(),
            text: String::new(),
            items: Vec::new(),
            entries: Vec::new(),
            symbols: HashMap::default(),
            names: Vec::new(),
            frames: Vec::new(),
            open: Vec::new(),
            pending_key: NO_KEY,
        }
    }
}

impl ser::Error for DocError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DocError(msg.to_string())
    }
}

impl Doc {
    /// Lays out a JSON value.
    pub fn new(value: &Value) -> Doc {
        // A Value's keys are strings, so laying it out cannot fail.
        Doc::from_serialize(value).unwrap_or_default()
    }

    /// Lays out anything serde can serialize, as serde_json would encode it.
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Doc, DocError> {
        let mut doc = Doc::default();
        value.serialize(&mut doc)?;
        doc.frames = Vec::new();
        doc.open = Vec::new();
        if doc.nodes.is_empty() {
            doc.nodes.push(Node::Null);
        }
        Ok(doc)
    }

    pub(super) fn root(&self) -> Id {
        0
    }

    #[inline]
    pub(super) fn node(&self, id: Id) -> Node {
        self.nodes.get(id as usize).copied().unwrap_or(Node::Null)
    }

    pub(super) fn str(&self, start: u32, len: u32) -> &str {
        self.text
            .get(start as usize..(start + len) as usize)
            .unwrap_or("")
    }

    /// The symbol for a key, or `None` when no object in the document has that key.
    pub(super) fn symbol(&self, key: &str) -> Option<u32> {
        self.symbols.get(key).copied()
    }

    pub(super) fn items(&self, start: u32, len: u32) -> &[Id] {
        &self.items[start as usize..(start + len) as usize]
    }

    /// An object's (key symbol, value) pairs.
    pub(super) fn entries(&self, start: u32, len: u32) -> &[(u32, Id)] {
        &self.entries[start as usize..(start + len) as usize]
    }

    /// The value under `key` in object node `id`.
    #[inline]
    pub(super) fn get(&self, id: Id, key: u32) -> Option<Id> {
        let Node::Object { start, len } = self.node(id) else {
            return None;
        };
        let entries = self.entries(start, len);
        if entries.len() <= SCAN_LIMIT {
            return entries.iter().find(|e| e.0 == key).map(|e| e.1);
        }
        let name = &self.names[key as usize];
        entries
            .binary_search_by(|e| self.names[e.0 as usize].cmp(name))
            .ok()
            .map(|i| entries[i].1)
    }

    /// Node `id` as a JSON value again.
    pub(super) fn to_value(&self, id: Id) -> Value {
        match self.node(id) {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Int(i) => Value::from(i),
            Node::UInt(u) => Value::from(u),
            Node::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
            Node::Str { start, len } => Value::String(self.str(start, len).to_string()),
            Node::Array { start, len } => Value::Array(
                self.items(start, len)
                    .iter()
                    .map(|&i| self.to_value(i))
                    .collect(),
            ),
            Node::Object { start, len } => Value::Object(crate::sort::collect_object(
                self.entries(start, len)
                    .iter()
                    .map(|&(k, v)| (self.names[k as usize].to_string(), self.to_value(v))),
            )),
        }
    }

    fn intern(&mut self, key: &str) -> u32 {
        if let Some(&id) = self.symbols.get(key) {
            return id;
        }
        let id = self.names.len() as u32;
        self.symbols.insert(key.into(), id);
        self.names.push(key.into());
        id
    }

    /// Appends a node, as the next child of the innermost open container if any.
    fn leaf(&mut self, node: Node) -> Id {
        let id = self.nodes.len() as Id;
        if !self.frames.is_empty() {
            let key = std::mem::replace(&mut self.pending_key, NO_KEY);
            self.open.push((key, id));
        }
        self.nodes.push(node);
        id
    }

    /// Opens an array or object; its node is filled in when it closes.
    fn open(&mut self, array: bool) {
        let id = self.leaf(Node::Null);
        self.frames.push((id, self.open.len(), array));
    }

    fn close(&mut self) {
        let Some((id, mark, array)) = self.frames.pop() else {
            return;
        };
        let node = if array {
            let start = self.items.len() as u32;
            self.items.extend(self.open.drain(mark..).map(|(_, n)| n));
            Node::Array {
                start,
                len: self.items.len() as u32 - start,
            }
        } else {
            // Structs serialize in field order; Go prints maps sorted, and a later
            // duplicate key wins as when decoding JSON.
            let names = &self.names;
            let fresh = &mut self.open[mark..];
            if !fresh
                .windows(2)
                .all(|w| names[w[0].0 as usize] < names[w[1].0 as usize])
            {
                crate::sort::sort_by(fresh, |a, b| names[a.0 as usize].cmp(&names[b.0 as usize]));
                let mut i = mark + 1;
                while i < self.open.len() {
                    if self.open[i].0 == self.open[i - 1].0 {
                        self.open.remove(i - 1);
                    } else {
                        i += 1;
                    }
                }
            }
            let start = self.entries.len() as u32;
            self.entries.extend(self.open.drain(mark..));
            Node::Object {
                start,
                len: self.entries.len() as u32 - start,
            }
        };
        self.nodes[id as usize] = node;
    }

    fn string(&mut self, s: &str) {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        self.leaf(Node::Str {
            start,
            len: s.len() as u32,
        });
    }
}

impl ser::Serializer for &mut Doc {
    type Ok = ();
    type Error = DocError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), DocError> {
        self.leaf(Node::Bool(v));
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), DocError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), DocError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), DocError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), DocError> {
        self.leaf(Node::Int(v));
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), DocError> {
        match (i64::try_from(v), u64::try_from(v)) {
            (Ok(i), _) => self.serialize_i64(i),
            (_, Ok(u)) => self.serialize_u64(u),
            _ => Err(DocError("number out of range".into())),
        }
    }
    fn serialize_u8(self, v: u8) -> Result<(), DocError> {
        self.serialize_i64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), DocError> {
        self.serialize_i64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), DocError> {
        self.serialize_i64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), DocError> {
        self.leaf(match i64::try_from(v) {
            Ok(i) => Node::Int(i),
            Err(_) => Node::UInt(v),
        });
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), DocError> {
        self.serialize_i128(i128::try_from(v).unwrap_or(i128::MAX))
    }
    fn serialize_f32(self, v: f32) -> Result<(), DocError> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), DocError> {
        // serde_json writes NaN and infinities as null.
        self.leaf(if v.is_finite() {
            Node::Float(v)
        } else {
            Node::Null
        });
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), DocError> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), DocError> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), DocError> {
        self.open(true);
        for &b in v {
            self.leaf(Node::Int(b.into()));
        }
        self.close();
        Ok(())
    }
    fn serialize_none(self) -> Result<(), DocError> {
        self.leaf(Node::Null);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), DocError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), DocError> {
        self.leaf(Node::Null);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), DocError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), DocError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), DocError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), DocError> {
        self.open(false);
        self.pending_key = self.intern(variant);
        value.serialize(&mut *self)?;
        self.close();
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, DocError> {
        self.open(true);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, DocError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self, DocError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, DocError> {
        // `{"variant": [...]}`: the object closes after the array.
        self.open(false);
        self.pending_key = self.intern(variant);
        self.open(true);
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, DocError> {
        self.open(false);
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, DocError> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, DocError> {
        self.open(false);
        self.pending_key = self.intern(variant);
        self.open(false);
        Ok(self)
    }
}

impl ser::SerializeSeq for &mut Doc {
    type Ok = ();
    type Error = DocError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), DocError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), DocError> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeTuple for &mut Doc {
    type Ok = ();
    type Error = DocError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), DocError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), DocError> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeTupleStruct for &mut Doc {
    type Ok = ();
    type Error = DocError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), DocError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), DocError> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeTupleVariant for &mut Doc {
    type Ok = ();
    type Error = DocError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), DocError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), DocError> {
        self.close();
        self.close();
        Ok(())
    }
}

impl ser::SerializeMap for &mut Doc {
    type Ok = ();
    type Error = DocError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), DocError> {
        let key = key.serialize(KeySerializer)?;
        self.pending_key = self.intern(&key);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), DocError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), DocError> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Doc {
    type Ok = ();
    type Error = DocError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), DocError> {
        self.pending_key = self.intern(key);
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), DocError> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeStructVariant for &mut Doc {
    type Ok = ();
    type Error = DocError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), DocError> {
        self.pending_key = self.intern(key);
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), DocError> {
        self.close();
        self.close();
        Ok(())
    }
}

/// Map keys as serde_json accepts them: strings, and integers and booleans as text.
struct KeySerializer;

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = DocError;
    type SerializeSeq = ser::Impossible<String, DocError>;
    type SerializeTuple = ser::Impossible<String, DocError>;
    type SerializeTupleStruct = ser::Impossible<String, DocError>;
    type SerializeTupleVariant = ser::Impossible<String, DocError>;
    type SerializeMap = ser::Impossible<String, DocError>;
    type SerializeStruct = ser::Impossible<String, DocError>;
    type SerializeStructVariant = ser::Impossible<String, DocError>;

    fn serialize_str(self, v: &str) -> Result<String, DocError> {
        Ok(v.to_string())
    }
    fn serialize_char(self, v: char) -> Result<String, DocError> {
        Ok(v.to_string())
    }
    fn serialize_bool(self, v: bool) -> Result<String, DocError> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, DocError> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, DocError> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, DocError> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, DocError> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, DocError> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, DocError> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, DocError> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, DocError> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<String, DocError> {
        Err(key_must_be_a_string())
    }
    fn serialize_f64(self, _: f64) -> Result<String, DocError> {
        Err(key_must_be_a_string())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, DocError> {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> Result<String, DocError> {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, DocError> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit(self) -> Result<String, DocError> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, DocError> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, DocError> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, DocError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, DocError> {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, DocError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, DocError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, DocError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, DocError> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, DocError> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, DocError> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, DocError> {
        Err(key_must_be_a_string())
    }
}

/// serde_json's wording.
fn key_must_be_a_string() -> DocError {
    DocError("key must be a string".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Laying a value out and reading it back gives the same value.
        #[test]
        fn layout_round_trips(v in crate::jsonpath::tests::json_values()) {
            let doc = Doc::new(&v);
            prop_assert_eq!(doc.to_value(doc.root()), v);
        }
    }

    #[derive(serde::Serialize)]
    struct Typed {
        zeta: u8,
        alpha: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        gone: Option<u8>,
        mid: Vec<f64>,
    }

    /// Typed values lay out as serde_json would encode them, keys in Go's order.
    #[test]
    fn typed_values_match_serde_json() {
        let t = Typed {
            zeta: 7,
            alpha: None,
            gone: None,
            mid: vec![0.5, f64::NAN],
        };
        let doc = Doc::from_serialize(&t).unwrap();
        assert_eq!(doc.to_value(doc.root()), serde_json::to_value(&t).unwrap());
        let Node::Object { start, len } = doc.node(doc.root()) else {
            panic!("an object")
        };
        let keys: Vec<&str> = doc
            .entries(start, len)
            .iter()
            .map(|e| &*doc.names[e.0 as usize])
            .collect();
        assert_eq!(keys, ["alpha", "mid", "zeta"]);
    }

    /// Large objects are searched by key order.
    #[test]
    fn large_objects_find_every_key() {
        let v: Value = (0..100)
            .map(|i| (format!("k{i}"), Value::from(i)))
            .collect::<serde_json::Map<_, _>>()
            .into();
        let doc = Doc::new(&v);
        for i in 0..100 {
            let key = doc.symbol(&format!("k{i}")).unwrap();
            let got = doc.get(doc.root(), key).map(|n| doc.node(n));
            assert_eq!(got, Some(Node::Int(i)));
        }
    }
}
