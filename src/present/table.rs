//! Records for programs: JSON, JSON Lines and CSV, all from the records'
//! own serde types, so that a field is named once, where the type is.
//!
//! A CSV row is the record flattened: one column per field, in the type's
//! field order, named as it serialises; a list is joined into one cell
//! ([`Tabular::joiner`]), a pair may be spread over two named columns
//! ([`Tabular::SPLIT`]), and fields that mean nothing in a table
//! ([`Tabular::SKIP`]) are left out. A field holding a record of its own
//! cannot be flattened, and is refused (a defect of the type, not of the
//! input).

use std::io::{self, Write};

use serde::ser::{self, Impossible, Serialize};

/// A record type that can be a row of a table.
pub trait Tabular: Serialize {
    /// Fields left out of a table.
    const SKIP: &'static [&'static str] = &[];
    /// Pairs (`[first, last]`) shown as two columns, with their names.
    const SPLIT: &'static [(&'static str, [&'static str; 2])] = &[];

    /// What joins the items of a list field in one cell.
    fn joiner(_field: &str) -> &'static str {
        ";"
    }

    /// A record whose fields are all empty, to name the columns of a table
    /// with no rows.
    fn blank() -> Self;
}

/// One record as a JSON document, then a line break.
pub fn json<T: Serialize>(out: &mut impl Write, record: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, record)?;
    out.write_all(b"\n")
}

/// Records as JSON Lines: one JSON object per line.
pub fn json_lines<'a, T: Serialize + 'a>(
    out: &mut impl Write,
    records: impl IntoIterator<Item = &'a T>,
) -> io::Result<()> {
    for r in records {
        json(out, r)?;
    }
    Ok(())
}

/// The column names of `T`'s table.
pub fn csv_header<T: Tabular>() -> Vec<String> {
    row(&T::blank()).map_or_else(|_| Vec::new(), |r| r.into_iter().map(|(k, _)| k).collect())
}

/// Records as CSV with a header row (written even when there are none).
pub fn csv<'a, T: Tabular + 'a>(
    out: impl Write,
    records: impl IntoIterator<Item = &'a T>,
) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(csv_header::<T>())?;
    for r in records {
        let cells = row(r).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        w.write_record(cells.into_iter().map(|(_, v)| v))?;
    }
    w.flush()
}

/// `record` as (column, cell) pairs.
fn row<T: Tabular>(record: &T) -> Result<Vec<(String, String)>, Error> {
    let mut flat = Flat::<T> {
        cells: Vec::new(),
        _record: std::marker::PhantomData,
    };
    record.serialize(&mut flat)?;
    Ok(flat.cells)
}

/// What cannot be a cell: a record inside a record.
#[derive(Debug)]
struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<M: std::fmt::Display>(msg: M) -> Self {
        Error(msg.to_string())
    }
}

fn nested() -> Error {
    Error("a record inside a record cannot be one CSV row".into())
}

/// Serialises the top-level struct into cells.
struct Flat<T> {
    cells: Vec<(String, String)>,
    _record: std::marker::PhantomData<T>,
}

/// Serialises one field's value into cell texts (a list gives several).
struct Cell(Vec<String>);

macro_rules! scalar {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result<(), Error> {
            self.0.push(v.to_string());
            Ok(())
        })*
    };
}

impl ser::Serializer for &mut Cell {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    scalar!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char,
        serialize_str: &str);

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.0.push(String::from_utf8_lossy(v).into_owned());
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_some<V: ?Sized + Serialize>(self, v: &V) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<(), Error> {
        self.0.push(v.to_string());
        Ok(())
    }
    fn serialize_newtype_struct<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &V,
    ) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &V,
    ) -> Result<(), Error> {
        Err(nested())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Error> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Error> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(nested())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(nested())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(nested())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(nested())
    }
}

macro_rules! items {
    ($($trait:ident :: $method:ident),*) => {
        $(impl ser::$trait for &mut Cell {
            type Ok = ();
            type Error = Error;
            fn $method<V: ?Sized + Serialize>(&mut self, v: &V) -> Result<(), Error> {
                // An item that is itself a list (a highlight span) joins
                // with a dash.
                let mut inner = Cell(Vec::new());
                v.serialize(&mut inner)?;
                self.0.push(inner.0.join("-"));
                Ok(())
            }
            fn end(self) -> Result<(), Error> {
                Ok(())
            }
        })*
    };
}

items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

impl<T: Tabular> ser::SerializeStruct for &mut Flat<T> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<V: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), Error> {
        if T::SKIP.contains(&key) {
            return Ok(());
        }
        let mut cell = Cell(Vec::new());
        value.serialize(&mut cell)?;
        match T::SPLIT.iter().find(|(field, _)| *field == key) {
            Some((_, names)) => {
                for (i, name) in names.iter().enumerate() {
                    let v = cell.0.get(i).cloned().unwrap_or_default();
                    self.cells.push(((*name).to_string(), v));
                }
            }
            None => self
                .cells
                .push((key.to_string(), cell.0.join(T::joiner(key)))),
        }
        Ok(())
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl<T: Tabular> ser::Serializer for &mut Flat<T> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        Ok(self)
    }

    fn serialize_bool(self, _: bool) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_i8(self, _: i8) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_i16(self, _: i16) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_i32(self, _: i32) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_i64(self, _: i64) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_u8(self, _: u8) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_u16(self, _: u16) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_u32(self, _: u32) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_u64(self, _: u64) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_char(self, _: char) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_str(self, _: &str) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_some<V: ?Sized + Serialize>(self, _: &V) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_newtype_struct<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &V,
    ) -> Result<(), Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &V,
    ) -> Result<(), Error> {
        Err(not_a_record())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(not_a_record())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(not_a_record())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(not_a_record())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(not_a_record())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(not_a_record())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(not_a_record())
    }
}

fn not_a_record() -> Error {
    Error("only a record (a struct) can be a CSV row".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Row {
        id: &'static str,
        lines: [u32; 2],
        tags: Vec<&'static str>,
        note: Option<&'static str>,
        spans: Vec<[usize; 2]>,
        kind: crate::segment::PassageKind,
    }

    impl Tabular for Row {
        const SKIP: &'static [&'static str] = &["spans"];
        const SPLIT: &'static [(&'static str, [&'static str; 2])] =
            &[("lines", ["line_from", "line_to"])];
        fn joiner(field: &str) -> &'static str {
            if field == "tags" {
                " | "
            } else {
                ";"
            }
        }
        fn blank() -> Row {
            Row {
                id: "",
                lines: [0, 0],
                tags: vec![],
                note: None,
                spans: vec![],
                kind: crate::segment::PassageKind::Body,
            }
        }
    }

    #[test]
    fn fields_become_columns_in_order() {
        assert_eq!(
            csv_header::<Row>(),
            ["id", "line_from", "line_to", "tags", "note", "kind"]
        );
        let rows = [Row {
            id: "a, \"b\"",
            lines: [3, 9],
            tags: vec!["x", "y"],
            note: None,
            spans: vec![[1, 2]],
            kind: crate::segment::PassageKind::ListItem,
        }];
        let mut out = Vec::new();
        csv(&mut out, &rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "id,line_from,line_to,tags,note,kind\n\"a, \"\"b\"\"\",3,9,x | y,,list-item\n"
        );
        let mut out = Vec::new();
        json_lines(&mut out, &rows).unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .starts_with("{\"id\":\"a, \\\"b\\\"\",\"lines\":[3,9]"));
    }
}
