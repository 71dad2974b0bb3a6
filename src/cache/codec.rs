//! A small binary encoding for the cache: varints, strings, JSON values and diagnostics.
//!
//! Every read is bounds-checked and returns [`Corrupt`] on bad input (a truncated or damaged
//! cache file is then ignored, never trusted), and nesting is limited so a damaged file cannot
//! exhaust the stack.

use std::path::PathBuf;

use serde_json::{Map, Number, Value};

use crate::diag::{Code, Diagnostic, Label, Severity, Span};

/// The cache file is damaged or from another format: ignore it.
#[derive(Debug)]
pub struct Corrupt;

/// JSON values in records nest a few levels; anything deeper is damage.
const MAX_DEPTH: usize = 64;

#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    pub fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.bytes.push((value as u8) | 0x80);
            value >>= 7;
        }
        self.bytes.push(value as u8);
    }

    pub fn i64(&mut self, value: i64) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    pub fn u128(&mut self, value: u128) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    pub fn str(&mut self, value: &str) {
        self.varint(value.len() as u64);
        self.bytes.extend_from_slice(value.as_bytes());
    }

    pub fn opt_str(&mut self, value: Option<&str>) {
        match value {
            None => self.u8(0),
            Some(value) => {
                self.u8(1);
                self.str(value);
            }
        }
    }

    pub fn path(&mut self, path: &std::path::Path) {
        self.str(&path.to_string_lossy());
    }

    pub fn json(&mut self, value: &Value) {
        match value {
            Value::Null => self.u8(0),
            Value::Bool(false) => self.u8(1),
            Value::Bool(true) => self.u8(2),
            Value::Number(n) => {
                if let Some(n) = n.as_u64() {
                    self.u8(3);
                    self.varint(n);
                } else if let Some(n) = n.as_i64() {
                    self.u8(4);
                    self.i64(n);
                } else {
                    self.u8(5);
                    self.bytes
                        .extend_from_slice(&n.as_f64().unwrap_or(0.0).to_le_bytes());
                }
            }
            Value::String(s) => {
                self.u8(6);
                self.str(s);
            }
            Value::Array(items) => {
                self.u8(7);
                self.varint(items.len() as u64);
                items.iter().for_each(|item| self.json(item));
            }
            Value::Object(map) => {
                self.u8(8);
                self.varint(map.len() as u64);
                for (key, item) in map {
                    self.str(key);
                    self.json(item);
                }
            }
        }
    }

    fn span(&mut self, span: Option<Span>) {
        match span {
            None => self.u8(0),
            Some(span) => {
                self.u8(1);
                for n in [span.line, span.column, span.start, span.end] {
                    self.varint(n as u64);
                }
            }
        }
    }

    pub fn diagnostic(&mut self, d: &Diagnostic) {
        self.str(d.code.id());
        self.u8(match d.severity {
            Severity::Warning => 0,
            Severity::Error => 1,
        });
        self.path(&d.file);
        self.span(d.span);
        self.str(&d.message);
        self.varint(d.labels.len() as u64);
        for label in &d.labels {
            self.path(&label.file);
            self.span(label.span);
            self.str(&label.message);
            self.opt_str(label.pointer.as_deref());
        }
        self.opt_str(d.help.as_deref());
        self.opt_str(d.pointer.as_deref());
    }

    pub fn diagnostics(&mut self, diagnostics: &[Diagnostic]) {
        self.varint(diagnostics.len() as u64);
        diagnostics.iter().for_each(|d| self.diagnostic(d));
    }
}

pub struct Reader<'b> {
    bytes: &'b [u8],
    position: usize,
}

impl<'b> Reader<'b> {
    pub fn new(bytes: &'b [u8]) -> Self {
        Reader { bytes, position: 0 }
    }

    pub fn at_end(&self) -> bool {
        self.position == self.bytes.len()
    }

    pub fn take(&mut self, n: usize) -> Result<&'b [u8], Corrupt> {
        let end = self.position.checked_add(n).ok_or(Corrupt)?;
        let slice = self.bytes.get(self.position..end).ok_or(Corrupt)?;
        self.position = end;
        Ok(slice)
    }

    pub fn u8(&mut self) -> Result<u8, Corrupt> {
        Ok(self.take(1)?[0])
    }

    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    pub fn varint(&mut self) -> Result<u64, Corrupt> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
        }
        Err(Corrupt)
    }

    /// A length or count, which cannot exceed the bytes left (every item takes at least one).
    pub fn count(&mut self) -> Result<usize, Corrupt> {
        let n = usize::try_from(self.varint()?).map_err(|_| Corrupt)?;
        if n > self.bytes.len() - self.position {
            return Err(Corrupt);
        }
        Ok(n)
    }

    pub fn i64(&mut self) -> Result<i64, Corrupt> {
        let bytes = self.take(8)?;
        Ok(i64::from_le_bytes(bytes.try_into().map_err(|_| Corrupt)?))
    }

    pub fn u128(&mut self) -> Result<u128, Corrupt> {
        let bytes = self.take(16)?;
        Ok(u128::from_le_bytes(bytes.try_into().map_err(|_| Corrupt)?))
    }

    pub fn str(&mut self) -> Result<&'b str, Corrupt> {
        let n = self.count()?;
        std::str::from_utf8(self.take(n)?).map_err(|_| Corrupt)
    }

    pub fn string(&mut self) -> Result<String, Corrupt> {
        self.str().map(str::to_string)
    }

    pub fn opt_string(&mut self) -> Result<Option<String>, Corrupt> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.string().map(Some),
            _ => Err(Corrupt),
        }
    }

    pub fn path(&mut self) -> Result<PathBuf, Corrupt> {
        self.str().map(PathBuf::from)
    }

    pub fn json(&mut self) -> Result<Value, Corrupt> {
        self.json_at(0)
    }

    fn json_at(&mut self, depth: usize) -> Result<Value, Corrupt> {
        if depth > MAX_DEPTH {
            return Err(Corrupt);
        }
        Ok(match self.u8()? {
            0 => Value::Null,
            1 => Value::Bool(false),
            2 => Value::Bool(true),
            3 => Value::Number(self.varint()?.into()),
            4 => Value::Number(self.i64()?.into()),
            5 => {
                let bytes = self.take(8)?.try_into().map_err(|_| Corrupt)?;
                Value::Number(Number::from_f64(f64::from_le_bytes(bytes)).ok_or(Corrupt)?)
            }
            6 => Value::String(self.string()?),
            7 => {
                let n = self.count()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.json_at(depth + 1)?);
                }
                Value::Array(items)
            }
            8 => {
                let n = self.count()?;
                let mut map = Map::with_capacity(n);
                for _ in 0..n {
                    let key = self.string()?;
                    map.insert(key, self.json_at(depth + 1)?);
                }
                Value::Object(map)
            }
            _ => return Err(Corrupt),
        })
    }

    fn span(&mut self) -> Result<Option<Span>, Corrupt> {
        match self.u8()? {
            0 => Ok(None),
            1 => {
                let mut n = || usize::try_from(self.varint()?).map_err(|_| Corrupt);
                Ok(Some(Span {
                    line: n()?,
                    column: n()?,
                    start: n()?,
                    end: n()?,
                }))
            }
            _ => Err(Corrupt),
        }
    }

    pub fn diagnostic(&mut self) -> Result<Diagnostic, Corrupt> {
        let code = Code::lookup(self.str()?).ok_or(Corrupt)?;
        let severity = match self.u8()? {
            0 => Severity::Warning,
            1 => Severity::Error,
            _ => return Err(Corrupt),
        };
        let file = self.path()?;
        let span = self.span()?;
        let message = self.string()?;
        let n = self.count()?;
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            labels.push(Label {
                file: self.path()?,
                span: self.span()?,
                message: self.string()?,
                pointer: self.opt_string()?,
            });
        }
        Ok(Diagnostic {
            code,
            severity,
            file,
            span,
            message,
            labels,
            help: self.opt_string()?,
            pointer: self.opt_string()?,
        })
    }

    pub fn diagnostics(&mut self) -> Result<Vec<Diagnostic>, Corrupt> {
        let n = self.count()?;
        (0..n).map(|_| self.diagnostic()).collect()
    }
}

/// Why a typed value could not be read from its encoding.
#[derive(Debug)]
pub struct DecodeError(String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

impl serde::de::Error for DecodeError {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        DecodeError(message.to_string())
    }
}

impl From<Corrupt> for DecodeError {
    fn from(_: Corrupt) -> Self {
        DecodeError("damaged cache data".into())
    }
}

/// Reads a typed value (a record) straight from an encoded JSON value, without building the
/// `serde_json::Value` in between: strings are borrowed until the type wants its own.
pub struct Decoder<'b> {
    reader: Reader<'b>,
    depth: usize,
}

impl<'b> Decoder<'b> {
    pub fn new(bytes: &'b [u8]) -> Self {
        Decoder {
            reader: Reader::new(bytes),
            depth: 0,
        }
    }

    fn nest(&mut self) -> Result<(), DecodeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Corrupt.into());
        }
        Ok(())
    }
}

impl<'de> serde::Deserializer<'de> for &mut Decoder<'de> {
    type Error = DecodeError;

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        match self.reader.u8()? {
            0 => visitor.visit_unit(),
            1 => visitor.visit_bool(false),
            2 => visitor.visit_bool(true),
            3 => visitor.visit_u64(self.reader.varint()?),
            4 => visitor.visit_i64(self.reader.i64()?),
            5 => {
                let bytes = self.reader.take(8)?.try_into().map_err(|_| Corrupt)?;
                visitor.visit_f64(f64::from_le_bytes(bytes))
            }
            6 => visitor.visit_borrowed_str(self.reader.str()?),
            7 => {
                let left = self.reader.count()?;
                self.nest()?;
                let value = visitor.visit_seq(Items {
                    decoder: &mut *self,
                    left,
                })?;
                self.depth -= 1;
                Ok(value)
            }
            8 => {
                let left = self.reader.count()?;
                self.nest()?;
                let value = visitor.visit_map(Items {
                    decoder: &mut *self,
                    left,
                })?;
                self.depth -= 1;
                Ok(value)
            }
            _ => Err(Corrupt.into()),
        }
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        if self.reader.peek() == Some(0) {
            self.reader.u8()?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        // Records use unit variants only, written as strings.
        match self.reader.u8()? {
            6 => {
                let variant = self.reader.str()?;
                visitor.visit_enum(serde::de::value::BorrowedStrDeserializer::new(variant))
            }
            _ => Err(serde::de::Error::custom("expected a string for an enum")),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// The items of an array, or the entries of an object, being read.
struct Items<'d, 'de> {
    decoder: &'d mut Decoder<'de>,
    left: usize,
}

impl<'de> serde::de::SeqAccess<'de> for Items<'_, 'de> {
    type Error = DecodeError;

    fn next_element_seed<T: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.decoder).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

impl<'de> serde::de::MapAccess<'de> for Items<'_, 'de> {
    type Error = DecodeError;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        let key = self.decoder.reader.str()?;
        seed.deserialize(serde::de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        seed.deserialize(&mut *self.decoder)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_diagnostics_survive_a_round_trip() {
        let value = serde_json::json!({
            "id": "35-12a", "n": 7, "neg": -3, "f": 1.5, "ok": true, "none": null,
            "list": ["é", {"deep": [1, 2]}]
        });
        let diagnostic = Diagnostic::new(
            Code::DuplicateId,
            "records/a.yaml",
            Some(Span {
                line: 2,
                column: 5,
                start: 10,
                end: 14,
            }),
            "id is already used",
        )
        .with_label_at("records/b.yaml", "/id", "first used here")
        .with_help("rename it");
        let mut writer = Writer::default();
        writer.json(&value);
        writer.diagnostics(std::slice::from_ref(&diagnostic));
        let mut reader = Reader::new(&writer.bytes);
        assert_eq!(reader.json().unwrap(), value);
        assert_eq!(reader.diagnostics().unwrap(), vec![diagnostic]);
        assert!(reader.at_end());
    }

    #[test]
    fn typed_values_read_straight_from_the_encoding_equal_those_read_from_json() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Sample {
            id: String,
            count: u32,
            score: f64,
            flag: bool,
            missing: Option<String>,
            empty: Option<String>,
            #[serde(default)]
            list: Vec<Vec<String>>,
            nested: Nested,
        }
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(rename_all = "kebab-case")]
        enum Nested {
            InProgress,
        }
        let value = serde_json::json!({
            "id": "35-12a", "count": 3, "score": 0.5, "flag": true, "empty": null,
            "list": [["a", "é"]], "nested": "in-progress", "ignored": {"x": [1]}
        });
        let mut writer = Writer::default();
        writer.json(&value);
        let direct: Sample =
            serde::Deserialize::deserialize(&mut Decoder::new(&writer.bytes)).unwrap();
        let via_json: Sample = serde::Deserialize::deserialize(&value).unwrap();
        assert_eq!(direct, via_json);
        for cut in 0..writer.bytes.len() {
            let result: Result<Sample, _> =
                serde::Deserialize::deserialize(&mut Decoder::new(&writer.bytes[..cut]));
            assert!(result.is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn damaged_input_is_an_error_not_a_panic() {
        let mut writer = Writer::default();
        writer.json(&serde_json::json!({"text": "a long enough string", "list": [1, 2, 3]}));
        for cut in 0..writer.bytes.len() {
            assert!(
                Reader::new(&writer.bytes[..cut]).json().is_err(),
                "cut at {cut}"
            );
        }
        // A length far beyond the input, and nesting beyond the limit.
        assert!(Reader::new(&[7, 0xff, 0xff, 0xff, 0x7f]).json().is_err());
        assert!(Reader::new(&[7u8, 1].repeat(1000)).json().is_err());
    }
}
