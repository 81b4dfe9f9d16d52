//! The sheets: every entity's facts in columns, one per metric and scenario.
//!
//! Facts are gathered by a [`SheetBuilder`] in the order files are given (the first source of a fact
//! wins; a later one that disagrees beyond rounding is a [`Conflict`]), then laid out densely in
//! [`Sheets`]: a column per (metric, scenario) holding one slot per entity and period, so that a
//! compiled rule reads an operand with two multiplications and an index, never a hash lookup.
//!
//! Memory is what bulk runs are bound by, so a fact is stored packed in 28 bytes ([`Stored`]): its
//! key as numbers (entity and metric names are interned), a figure's digits as a 64-bit integer and
//! its scale (the rare figure of more digits, every figure with a margin and every range, in a side
//! table), its unit as an index, its origin as a byte span's start and length (its file in runs of
//! facts, a span or unit too wide in a side table). Keys are checked for repeats when the columns are
//! laid out, not in a hash map while facts arrive, so a fact costs its 28 bytes and its column slot.
//!
//! **Vintages.** A fact may say when it was given (`given = 2026-02-05`; an SEC fact's filing date).
//! Facts of one key given at different dates (or one dated, one not) are vintages of it, never a
//! conflict (an undated actual beside dated ones is checked against the latest instead): a column slot
//! holds the default vintage ([`Sheets::place_vintages`] says which) and a side table, keyed by slot,
//! lists every vintage of the few keys that have more than one. Dates are rare beside
//! bulk facts, so they live in a side table too (8 bytes a dated fact) and the packed path is unchanged.
//! A vintage belongs to the [`Filing`] that gave it and to those that repeated its value earlier (an
//! SEC fact's agreeing filings, in a side table): [`Sheets::as_filed`] reads a fact as one filing gave
//! it, so that a check reads all its inputs from one filing.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::date::Date;
use crate::diag::Diag;
use crate::num::quantity::Approx;
use crate::num::{ArithError, Dim, Num, Quantity, RangeLit, Unit};
use crate::period::Period;
use crate::source::{SourceId, Span};
use crate::syntax::ast::{Scenario, Vintage};

/// Index of an entity in [`Sheets::entities`].
pub type EntityId = u32;
/// Index of a metric in [`Sheets::metrics`].
pub type MetricId = u32;

/// A fact's value as written: a figure, a figure with an explicit margin, or a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactValue {
    /// `213.4`: known to half its last digit (213.35..213.45).
    Number(Quantity),
    /// `102466 ± 1 USD m`: known to its margin (102465..102467), a figure derived from rounded ones.
    Approx(Approx),
    /// `173.5..178.5`, `..213`.
    Range(RangeLit),
}

/// Where a fact was written: a data file and the span of its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub file: SourceId,
    pub span: Span,
}

/// One value in a sheet with its provenance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fact {
    pub value: FactValue,
    pub origin: Origin,
    /// When the source gave it (its vintage); `None` for a fact that does not say.
    pub given: Option<Date>,
}

/// What identifies a fact: entity, metric, period and scenario.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactKey {
    pub entity: String,
    pub metric: String,
    pub period: Period,
    pub scenario: Scenario,
}

/// A data file of the run, with the source name it declares and how many facts it gave.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSource {
    pub file: SourceId,
    /// The `source = "..."` of the file, if it names one.
    pub name: Option<String>,
    pub facts: usize,
    /// How many attributes of its entity it gives (`sector = "cloud"`): a file of attributes alone
    /// describes an entity, and is not empty.
    pub attributes: usize,
    /// The cells that mark a figure as missing (`n/a`, `—` in a CSV file), in file order: no fact.
    pub missing: Vec<Span>,
}

/// One filing of a source: the facts one file gives at one date (an SEC filing; a dated TOML file;
/// the rows of a CSV history given on one day). Ordered by date, so the latest is the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Filing {
    pub given: Date,
    pub file: SourceId,
}

impl Filing {
    /// What a check that read its actuals from this filing says of it.
    pub fn note(&self) -> String {
        let given = self.given;
        format!(
            "inputs as filed on {given}: the latest filing that gives every one of them (a later one restates some)"
        )
    }
}

/// A stock split a source's restatements show: share counts of one period that a later filing gives
/// `new` for `old` times the earlier one's, per-share amounts divided alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub entity: String,
    /// New shares per old: 4 and 1 for a 4-for-1 split, 3 and 2 for 3-for-2, 1 and 10 for a reverse
    /// 1-for-10.
    pub new: u32,
    pub old: u32,
    /// The last filing that gives the counts before it and the first that restates them.
    pub before: Date,
    pub after: Date,
    /// How many restated share counts and per-share amounts it explains.
    pub seen: usize,
    /// Where one of its restated share counts was filed.
    pub place: String,
}

impl Split {
    /// `AAPL: 4-for-1 stock split between the filings of 2020-07-31 and 2020-10-30, seen in 57 restated
    /// share counts and per-share amounts`.
    pub fn describe(&self) -> String {
        let Split { entity, new, old, before, after, seen, .. } = self;
        format!(
            "{entity}: {new}-for-{old} stock split between the filings of {before} and {after}, seen in {seen} \
             restated share counts and per-share amounts"
        )
    }
}

/// Two sources that give one fact with values that do not meet given rounding.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub key: FactKey,
    /// The fact evaluation uses: from the file given first.
    pub kept: Fact,
    pub other: Fact,
}

impl FactValue {
    /// The value as written, with its unit: `213.4 USD bn`, `..213 USD bn`.
    pub fn show(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// Writes [`FactValue::show`] at the end of `out` (a report's values, without a `String` each).
    pub fn write(&self, out: &mut String) {
        match self {
            FactValue::Number(q) => crate::num::display::write_quantity(out, q),
            FactValue::Approx(a) => crate::num::display::write_approx(out, a),
            FactValue::Range(r) => crate::num::display::write_range(out, r),
        }
    }

    /// The interval a figure stands for (half its last digit either side, or its margin); `None` for
    /// a range. The one place a figure becomes a value, for the evaluator and for conflicts alike.
    pub fn figure(&self) -> Option<Result<Num, ArithError>> {
        match self {
            FactValue::Number(q) => Some(q.rounded()),
            FactValue::Approx(a) => Some(a.interval()),
            FactValue::Range(_) => None,
        }
    }
}

impl Fact {
    /// The fact's unit.
    pub fn unit(&self) -> Unit {
        match self.value {
            FactValue::Number(q) | FactValue::Approx(Approx { value: q, .. }) => q.unit,
            FactValue::Range(r) => r.lo.or(r.hi).map_or(Unit::None, |q| q.unit),
        }
    }

    /// Whether two facts agree given rounding: their intervals meet (a figure's by its last digit
    /// or its margin; a range's bound by bound).
    pub fn agrees_with(&self, other: &Fact) -> bool {
        self.value.agrees_with(&other.value)
    }
}

impl FactValue {
    /// Whether two values of one fact agree given rounding: their intervals meet (bound by bound for
    /// ranges).
    pub fn agrees_with(&self, other: &FactValue) -> bool {
        let meets = |a: FactValue, b: FactValue| match (a.figure(), b.figure()) {
            (Some(Ok(x)), Some(Ok(y))) => Dim::of(x.unit) == Dim::of(y.unit) && x.meets(&y),
            _ => a == b,
        };
        let bounds = |a: Option<Quantity>, b: Option<Quantity>| match (a, b) {
            (Some(a), Some(b)) => meets(FactValue::Number(a), FactValue::Number(b)),
            (None, None) => true,
            _ => false,
        };
        match (*self, *other) {
            (FactValue::Range(a), FactValue::Range(b)) => bounds(a.lo, b.lo) && bounds(a.hi, b.hi),
            (FactValue::Range(_), _) | (_, FactValue::Range(_)) => false,
            (a, b) => meets(a, b),
        }
    }
}

/// What a slot holds, as [`Sheets::packed`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packed {
    /// No fact.
    Empty,
    /// A figure's digits, its scale (digits after the point) and its unit.
    Figure(i64, u32, Unit),
    /// A range as written.
    Range(RangeLit),
    /// A fact of another form, or of several vintages.
    Other,
}

/// One column's slots at one entity ([`Sheets::row`]).
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    sheets: &'a Sheets,
    column: u32,
    /// The position of the entity's first slot in the column.
    base: usize,
    slots: RowSlots<'a>,
}

/// The fact indexes of a row: its part of a dense column, of a sparse one, or none.
#[derive(Debug, Clone, Copy)]
enum RowSlots<'a> {
    Empty,
    Dense(&'a [u32]),
    Sparse(&'a [(u64, u32)]),
}

impl Row<'_> {
    /// The slot of a period as packed ([`Sheets::packed`]).
    #[inline]
    pub fn packed(&self, period: Period) -> Packed {
        let sheets = self.sheets;
        let Some(slot) = sheets.slot_index(period) else { return Packed::Empty };
        let index = match self.slots {
            RowSlots::Empty => return Packed::Empty,
            RowSlots::Dense(slots) => match slots.get(slot).copied().and_then(dense_fact) {
                Some(i) => i,
                None => return Packed::Empty,
            },
            RowSlots::Sparse(filled) => {
                let position = (self.base + slot) as u64;
                match filled.binary_search_by_key(&position, |&(p, _)| p) {
                    Ok(found) => filled[found].1,
                    Err(_) => return Packed::Empty,
                }
            }
        };
        if !sheets.vintages.is_empty() && sheets.vintages.contains_key(&(self.column, (self.base + slot) as u64)) {
            return Packed::Other;
        }
        let s = &sheets.store.facts[index as usize];
        match s.kind {
            Kind::Small => {
                let m = (u64::from(s.value[1]) << 32 | u64::from(s.value[0])) as i64;
                Packed::Figure(m, u32::from(s.scale), sheets.store.units[sheets.store.unit_of(index, s) as usize])
            }
            Kind::Range => Packed::Range(sheets.store.ranges[s.value[0] as usize]),
            Kind::Big | Kind::Approx => Packed::Other,
        }
    }
}

/// A figure as a kernel reads it: its digits, its scale (digits after the point) and its unit.
pub type Figure = (i64, u32, Unit);

impl<'a> Row<'a> {
    /// A compiled kernel's read of a figure at a slot index ([`Sheets::slot_index`]), where
    /// [`Row::packed`] reads a [`Packed::Figure`]: `Some(None)` where the slot is empty, `None`
    /// where it holds anything else. No period to place and no [`Packed`] to make per read.
    #[inline]
    pub fn figure_at(&self, slot: usize) -> Option<Option<Figure>> {
        let sheets = self.sheets;
        let index = match self.slots {
            RowSlots::Empty => None,
            RowSlots::Dense(slots) => slots.get(slot).copied().and_then(dense_fact),
            RowSlots::Sparse(filled) => {
                let position = (self.base + slot) as u64;
                filled.binary_search_by_key(&position, |&(p, _)| p).ok().map(|found| filled[found].1)
            }
        };
        let Some(index) = index else { return Some(None) };
        if !sheets.vintages.is_empty() && sheets.vintages.contains_key(&(self.column, (self.base + slot) as u64)) {
            return None;
        }
        figure_of(&sheets.store, index)
    }

    /// The row as a whole, for reads of many of its slots: its kind, and whether a slot may hold
    /// vintages, decided once, where [`Row::figure_at`] decides them at every read.
    #[inline]
    pub fn whole(&self) -> Whole<'a> {
        let sheets = self.sheets;
        match self.slots {
            RowSlots::Empty => Whole::Empty,
            RowSlots::Dense(slots) if sheets.vintages.is_empty() => {
                Whole::Dense(DenseRow { slots, store: &sheets.store })
            }
            _ => Whole::Slots(*self),
        }
    }
}

/// A row read as a whole ([`Row::whole`]): each slot's read is [`Row::figure_at`]'s.
#[derive(Debug, Clone, Copy)]
pub enum Whole<'a> {
    /// No slot holds a fact: every read is `Some(None)`.
    Empty,
    /// A dense row, and no fact of the sheets has vintages.
    Dense(DenseRow<'a>),
    /// Any other row, read slot by slot.
    Slots(Row<'a>),
}

/// A dense row's fact indexes, with the store's facts and units to read them by.
#[derive(Debug, Clone, Copy)]
pub struct DenseRow<'a> {
    slots: &'a [u32],
    store: &'a Store,
}

impl DenseRow<'_> {
    /// [`Row::figure_at`] of a dense row without vintages: no kind of row to tell, nothing to look up.
    #[inline(always)]
    pub fn figure_at(&self, slot: usize) -> Option<Option<Figure>> {
        match self.slots.get(slot).copied().and_then(dense_fact) {
            Some(index) => figure_of(self.store, index),
            None => Some(None),
        }
    }
}

/// A stored fact as a kernel reads it: a figure whose digits fit an `i64` (`Some(Some(..))`), or
/// `None` (a range, or a figure of more digits or with a margin).
#[inline(always)]
fn figure_of(store: &Store, index: u32) -> Option<Option<Figure>> {
    let s = &store.facts[index as usize];
    match s.kind {
        Kind::Small => {
            let m = (u64::from(s.value[1]) << 32 | u64::from(s.value[0])) as i64;
            Some(Some((m, u32::from(s.scale), store.units[store.unit_of(index, s) as usize])))
        }
        Kind::Range | Kind::Big | Kind::Approx => None,
    }
}

/// What kinds of value a column holds: figures, ranges, or both (guidance given as a range in one
/// period and as a point in another).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape {
    /// Figures, with or without a margin (`213.4`, `102466 ± 1`).
    pub numbers: bool,
    pub ranges: bool,
}

/// A fact as the sheets store it: 28 bytes, where a [`FactKey`] and a [`Fact`] take 120 and more.
/// A run of millions of facts touches each of their pages once: every byte a fact sheds is one less
/// page for the kernel to hand out and zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stored {
    /// The figure's digits (its mantissa) as an `i64` in two halves ([`Kind::Small`]), else an index
    /// into the side table of its kind.
    value: [u32; 2],
    /// The entity's id: in order of arrival until the sheets are laid out, then in name order.
    entity: u32,
    /// `metric * 3 + scenario`, the metric likewise renumbered when laid out.
    column: u32,
    start: u32,
    /// An index into the units of the run ([`Store::unit_of`]) and the span's length, where both fit
    /// below [`WIDE`]; else `WIDE` twice, and both are in [`Store::wide`]. The file is in
    /// [`Store::files`].
    unit: u16,
    len: u16,
    /// [`Period::slot`].
    slot: u16,
    /// The figure's scale (digits after the point), for [`Kind::Small`].
    scale: u8,
    kind: Kind,
}

const _: () = assert!(std::mem::size_of::<Stored>() == 28);

/// The mark of a [`Stored`] fact whose unit or span does not fit in it: a run of 65,535 units or more,
/// a value's text of as many bytes.
const WIDE: u16 = u16::MAX;

/// How a stored fact's value is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    /// A figure whose digits fit an `i64`: kept inline.
    Small,
    /// A figure of more digits (or a negative zero): in the side table of decimals.
    Big,
    /// A range: in the side table of ranges.
    Range,
    /// A figure with a margin: in the side table of those.
    Approx,
}

/// A value as [`Store::pack`] takes it: a figure's digits (not a negative zero) and scale, or an
/// index into the side table of its kind.
enum Value {
    Small(i64, u8),
    Index(u32, Kind),
}

/// Names given ids in order of arrival.
#[derive(Debug, Default)]
struct Names {
    ids: FxHashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Names {
    /// The id of a name, given one if it is new.
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name.into(), id);
        self.names.push(name.into());
        id
    }

    /// The names in sorted order, of those `used` marks, and for every id its place in that order.
    fn sorted(self, used: &[bool]) -> (Vec<String>, Vec<u32>) {
        let mut order: Vec<u32> = (0..self.names.len() as u32).filter(|&i| used[i as usize]).collect();
        order.sort_unstable_by(|&a, &b| self.names[a as usize].cmp(&self.names[b as usize]));
        let mut place = vec![u32::MAX; self.names.len()];
        for (rank, &id) in order.iter().enumerate() {
            place[id as usize] = rank as u32;
        }
        (order.iter().map(|&i| self.names[i as usize].to_string()).collect(), place)
    }
}

/// The packed facts and the side tables their values point into.
#[derive(Debug, Default)]
struct Store {
    facts: Vec<Stored>,
    big: Vec<Decimal>,
    ranges: Vec<RangeLit>,
    approx: Vec<Approx>,
    units: Vec<Unit>,
    unit_ids: FxHashMap<Unit, u32>,
    /// The given dates of the facts that have one, by fact index, in order ([`Date::days`]).
    given: Vec<(u32, i32)>,
    /// The earlier dates a source gave the same value of a fact at (an SEC fact's agreeing earlier
    /// filings), by fact index, in order: the filings a fact belongs to beside its own.
    also: Vec<(u32, i32)>,
    /// The files of the facts, as runs: the index of a run's first fact and the file's id, in order
    /// (a file gives its facts together, so a run of millions has a handful).
    files: Vec<(u32, u32)>,
    /// The unit and span end of the facts that do not fit a [`Stored`] ([`WIDE`]), by fact index, in
    /// order.
    wide: Vec<(u32, u32, u32)>,
}

impl Store {
    /// The index of a unit among the run's, given one if it is new.
    fn unit_id(&mut self, unit: Unit) -> u32 {
        // a run names a handful of units, each on many facts: a look along them beats a hash
        if let Some(id) = self.units.iter().take(8).position(|&u| u == unit) {
            return id as u32;
        }
        match self.unit_ids.get(&unit) {
            Some(&id) => id,
            None => {
                self.units.push(unit);
                self.unit_ids.insert(unit, self.units.len() as u32 - 1);
                self.units.len() as u32 - 1
            }
        }
    }

    /// Packs a fact under its key's ids.
    fn push(&mut self, entity: u32, column: u32, period: Period, fact: Fact) {
        let unit = self.unit_id(fact.unit());
        let value = match fact.value {
            FactValue::Number(q) => match i64::try_from(q.value.mantissa()) {
                Ok(m) if m != 0 || q.value.is_sign_positive() => Value::Small(m, q.value.scale() as u8),
                _ => {
                    self.big.push(q.value);
                    Value::Index(self.big.len() as u32 - 1, Kind::Big)
                }
            },
            FactValue::Range(r) => {
                self.ranges.push(r);
                Value::Index(self.ranges.len() as u32 - 1, Kind::Range)
            }
            FactValue::Approx(a) => {
                self.approx.push(a);
                Value::Index(self.approx.len() as u32 - 1, Kind::Approx)
            }
        };
        self.pack((entity, column, period), value, unit, fact.origin, fact.given);
    }

    /// Packs a fact of a value already placed, under its key's ids and its unit's. Inlined into
    /// [`PackedChunk::push_plain`], a stream's every fact, where a call passed its parts through memory.
    #[inline(always)]
    fn pack(
        &mut self,
        (entity, column, period): (u32, u32, Period),
        value: Value,
        unit: u32,
        origin: Origin,
        given: Option<Date>,
    ) {
        let (value, scale, kind) = match value {
            Value::Small(m, scale) => {
                let m = m as u64;
                ([m as u32, (m >> 32) as u32], scale, Kind::Small)
            }
            Value::Index(index, kind) => ([index, 0], 0, kind),
        };
        if let Some(date) = given {
            self.given.push((self.facts.len() as u32, date.days()));
        }
        if self.files.last().is_none_or(|&(_, file)| file != origin.file.0) {
            self.files.push((self.facts.len() as u32, origin.file.0));
        }
        let stored = Stored {
            value,
            entity,
            column,
            start: origin.span.start,
            unit: 0,
            len: 0,
            slot: period.slot() as u16,
            scale,
            kind,
        };
        self.push_fitted(stored, unit, origin.span.end);
    }

    /// Pushes a packed fact, its unit and the end of its span put in it or, where they do not fit,
    /// in [`Store::wide`].
    #[inline(always)]
    fn push_fitted(&mut self, stored: Stored, unit: u32, end: u32) {
        // the length modulo 2^32, as `origin_of` adds it back: exact even where a span's ends, cut to
        // 32 bits past 4 GiB of a file (`source::Span`), wrap (the end below the start)
        let len = end.wrapping_sub(stored.start);
        let (unit, len) = match unit < u32::from(WIDE) && len < u32::from(WIDE) {
            true => (unit as u16, len as u16),
            false => self.widen(unit, end),
        };
        self.facts.push(Stored { unit, len, ..stored });
    }

    /// Keeps the unit and span end of the fact about to be pushed in [`Store::wide`]; its marks.
    #[cold]
    fn widen(&mut self, unit: u32, end: u32) -> (u16, u16) {
        self.wide.push((self.facts.len() as u32, unit, end));
        (WIDE, WIDE)
    }

    /// The entry in [`Store::wide`] of the fact at an index, which has one.
    fn wide_of(&self, index: u32) -> (u32, u32) {
        let found = self.wide.binary_search_by_key(&index, |&(i, ..)| i).expect("a wide fact kept");
        let (_, unit, end) = self.wide[found];
        (unit, end)
    }

    /// The index among the run's units of the unit of `s`, the fact at `index`.
    #[inline]
    fn unit_of(&self, index: u32, s: &Stored) -> u32 {
        match s.unit {
            WIDE => self.wide_of(index).0,
            unit => u32::from(unit),
        }
    }

    /// The fact at an index, unpacked.
    fn get(&self, index: u32) -> Fact {
        let s = &self.facts[index as usize];
        let unit = self.units[self.unit_of(index, s) as usize];
        let value = match s.kind {
            Kind::Small => {
                let m = (u64::from(s.value[1]) << 32 | u64::from(s.value[0])) as i64;
                FactValue::Number(Quantity::new(Decimal::new(m, u32::from(s.scale)), unit))
            }
            Kind::Big => FactValue::Number(Quantity::new(self.big[s.value[0] as usize], unit)),
            Kind::Range => FactValue::Range(self.ranges[s.value[0] as usize]),
            Kind::Approx => FactValue::Approx(self.approx[s.value[0] as usize]),
        };
        Fact { value, origin: self.origin_of(index), given: self.given_of(index) }
    }

    /// The origin of the fact at an index.
    fn origin_of(&self, index: u32) -> Origin {
        let s = &self.facts[index as usize];
        let end = match s.unit {
            WIDE => self.wide_of(index).1,
            _ => s.start.wrapping_add(u32::from(s.len)),
        };
        let run = self.files.partition_point(|&(first, _)| first <= index) - 1;
        Origin { file: SourceId(self.files[run].1), span: Span { start: s.start, end } }
    }

    /// The given date of the fact at an index, if it has one.
    fn given_of(&self, index: u32) -> Option<Date> {
        if self.given.is_empty() {
            return None;
        }
        let found = self.given.binary_search_by_key(&index, |&(i, _)| i).ok()?;
        Some(Date::from_days(self.given[found].1))
    }

    /// The earlier dates the fact at an index was also given at.
    fn also_of(&self, index: u32) -> impl Iterator<Item = Date> + '_ {
        let from = self.also.partition_point(|&(i, _)| i < index);
        self.also[from..].iter().take_while(move |&&(i, _)| i == index).map(|&(_, d)| Date::from_days(d))
    }

    /// The store with nothing in it, its buffers kept.
    fn emptied(mut self) -> Store {
        let Store { facts, big, ranges, approx, units, unit_ids, given, also, files, wide } = &mut self;
        facts.clear();
        big.clear();
        ranges.clear();
        approx.clear();
        units.clear();
        unit_ids.clear();
        given.clear();
        also.clear();
        files.clear();
        wide.clear();
        self
    }

    /// Drops the facts from an index on (and their dates).
    fn truncate(&mut self, len: usize) {
        self.facts.truncate(len);
        let kept = self.given.partition_point(|&(i, _)| (i as usize) < len);
        self.given.truncate(kept);
        let kept = self.also.partition_point(|&(i, _)| (i as usize) < len);
        self.also.truncate(kept);
        let kept = self.files.partition_point(|&(i, _)| (i as usize) < len);
        self.files.truncate(kept);
        let kept = self.wide.partition_point(|&(i, ..)| (i as usize) < len);
        self.wide.truncate(kept);
    }
}

/// Gathers facts file by file; the first source of a fact wins.
#[derive(Debug, Default)]
pub struct SheetBuilder {
    store: Store,
    entities: Names,
    metrics: Names,
    sources: Vec<DataSource>,
    /// Where the latest source's facts start, to drop them if the file turns out to be bad.
    source_start: usize,
    /// Conflicts sources found within themselves ([`SheetBuilder::conflict`]).
    conflicts: Vec<Conflict>,
    attributes: super::entity::Attributes,
    /// Metrics kept in the sheets without a fact ([`SheetBuilder::keep_metric`]).
    kept_metrics: Vec<u32>,
    /// Stock splits sources found in their restatements ([`SheetBuilder::split`]).
    splits: Vec<Split>,
}

impl SheetBuilder {
    /// Registers a data file before its facts are inserted; returns its index among the sources.
    pub fn add_source(&mut self, file: SourceId, name: Option<String>) -> usize {
        self.sources.push(DataSource { file, name, facts: 0, attributes: 0, missing: Vec::new() });
        self.source_start = self.store.facts.len();
        self.sources.len() - 1
    }

    /// Drops the latest source and the facts it gave (a streamed file found bad on the way).
    pub fn drop_source(&mut self) {
        if self.sources.pop().is_some() {
            self.store.truncate(self.source_start);
        }
    }

    /// Names the latest source (a long CSV learns its `source` names only at its end).
    pub fn name_source(&mut self, name: Option<String>) {
        if let Some(source) = self.sources.last_mut() {
            source.name = name;
        }
    }

    /// Notes cells of the latest source that mark a figure as missing (`n/a`, `—`).
    pub fn missing(&mut self, spans: impl IntoIterator<Item = Span>) {
        if let Some(source) = self.sources.last_mut() {
            source.missing.extend(spans);
        }
    }

    /// The id of an entity name, for [`SheetBuilder::push`].
    pub fn entity_id(&mut self, name: &str) -> u32 {
        self.entities.id(name)
    }

    /// The id of a metric name, for [`SheetBuilder::push`].
    pub fn metric_id(&mut self, name: &str) -> u32 {
        self.metrics.id(name)
    }

    /// Makes a metric one of the sheets' even where no fact gives it: a metric a companyfacts file
    /// could give (its concept map names it) is a known name that a filer may not report, so a rule
    /// reading it is skipped there rather than refused as a misspelling.
    pub fn keep_metric(&mut self, name: &str) {
        let id = self.metrics.id(name);
        self.kept_metrics.push(id);
    }

    /// Adds a fact of the latest registered source; a second value for a key is kept only as a conflict.
    pub fn insert(&mut self, key: FactKey, fact: Fact) {
        let (entity, metric) = (self.entities.id(&key.entity), self.metrics.id(&key.metric));
        self.push(entity, metric, key.scenario, key.period, fact);
    }

    /// [`SheetBuilder::insert`] for a key of ids from [`SheetBuilder::entity_id`] and
    /// [`SheetBuilder::metric_id`]: the path of a streamed file, which names each entity thousands of times.
    pub fn push(&mut self, entity: u32, metric: u32, scenario: Scenario, period: Period, fact: Fact) {
        if let Some(source) = self.sources.last_mut() {
            source.facts += 1;
        }
        self.store.push(entity, metric * 3 + scenario as u32, period, fact);
    }

    /// Records that the fact just inserted was also given, with the same value, at earlier `dates` by
    /// its source (an SEC fact's agreeing earlier filings): it belongs to those filings too.
    pub fn also_given(&mut self, dates: &[Date]) {
        let Some(index) = self.store.facts.len().checked_sub(1) else { return };
        self.store.also.extend(dates.iter().map(|d| (index as u32, d.days())));
    }

    /// Adds the facts a worker packed ([`PackedChunk`]) to the latest source, as [`SheetBuilder::push`]
    /// would one by one: their names, units and side tables are renumbered into the builder's.
    /// Returns the chunk's buffers, emptied, for the next ([`PackedChunk::reusing`]).
    pub fn append(&mut self, packed: PackedChunk) -> Spare {
        let PackedChunk { store: mut part, entities, metrics, .. } = packed;
        let entities: Vec<u32> = entities.iter().map(|name| self.entities.id(name)).collect();
        // a chunk's column (`metric * 3 + scenario`) to the builder's, looked up with no division
        let mut columns = Vec::with_capacity(metrics.len() * 3);
        for name in &metrics {
            let metric = self.metrics.id(name);
            columns.extend([metric * 3, metric * 3 + 1, metric * 3 + 2]);
        }
        let units: Vec<u32> = part.units.iter().map(|&unit| self.store.unit_id(unit)).collect();
        if let Some(source) = self.sources.last_mut() {
            source.facts += part.facts.len();
        }
        let store = &mut self.store;
        let at = store.facts.len() as u32;
        // by [`Kind`]: what a value's first word moves by (an index into a side table, after the builder's)
        let moves = [0, store.big.len() as u32, store.ranges.len() as u32, store.approx.len() as u32];
        store.given.extend(part.given.iter().map(|&(index, days)| (index + at, days)));
        store.also.extend(part.also.iter().map(|&(index, days)| (index + at, days)));
        for &(index, file) in &part.files {
            if store.files.last().is_none_or(|&(_, last)| last != file) {
                store.files.push((index + at, file));
            }
        }
        store.big.append(&mut part.big);
        store.ranges.append(&mut part.ranges);
        store.approx.append(&mut part.approx);
        // copied on the stream's thread, beside the workers parsing the next batch
        let remap = |f: &Stored| Stored {
            entity: entities[f.entity as usize],
            column: columns[f.column as usize],
            value: [f.value[0] + moves[f.kind as usize], f.value[1]],
            ..*f
        };
        match part.wide.is_empty() && units.iter().all(|&unit| unit < u32::from(WIDE)) {
            true => store
                .facts
                .extend(part.facts.iter().map(|f| Stored { unit: units[f.unit as usize] as u16, ..remap(f) })),
            false => {
                // a chunk of wide facts, or of units past the 16 bits of a fact's: fact by fact
                for (index, f) in (0u32..).zip(&part.facts) {
                    let unit = units[part.unit_of(index, f) as usize];
                    store.push_fitted(remap(f), unit, part.origin_of(index).span.end);
                }
            }
        }
        Spare(part.emptied())
    }

    /// Adds what a file says about its entity (`sector = "cloud"`); the first file to say it wins.
    pub fn attribute(&mut self, attribute: super::entity::Attribute) {
        if let Some(source) = self.sources.last_mut() {
            source.attributes += 1;
        }
        self.attributes.add(attribute);
    }

    /// Records a stock split a source found in its restatements (an SEC companyfacts file's).
    pub fn split(&mut self, split: Split) {
        self.splits.push(split);
    }

    /// Records a conflict a source found within itself: an SEC companyfacts file whose filings give one
    /// fact different values keeps the most recent (`kept`, inserted as usual) and reports the others.
    pub fn conflict(&mut self, key: FactKey, kept: Fact, other: Fact) {
        self.conflicts.push(Conflict { key, kept, other });
    }

    /// Lays the facts out in columns. A key given twice by one file (a streamed file is checked here,
    /// every other file as it is read) is a `duplicate-fact` error.
    pub fn finish(self) -> Result<Sheets, Vec<Diag>> {
        Sheets::build(self)
    }
}

/// Facts packed away from the builder, by a worker reading a chunk of a streamed file, under names
/// of their own: [`SheetBuilder::append`] then only renumbers them, so the packing runs in parallel
/// and the merge in file order is a copy.
#[derive(Debug, Default)]
pub struct PackedChunk {
    store: Store,
    /// The names, owned: a chunk names a few dozen, and so outlives the text it was read from.
    entities: Vec<Box<str>>,
    metrics: Vec<Box<str>>,
}

/// The buffers of a chunk once appended, emptied for another ([`PackedChunk::reusing`]).
#[derive(Debug, Default)]
pub struct Spare(Store);

impl PackedChunk {
    /// An empty chunk that packs into the buffers of one appended before: a stream's workers so keep
    /// their memory from batch to batch, where fresh buffers had the kernel hand out (and zero) new
    /// pages for every chunk, and take them back after.
    pub fn reusing(Spare(store): Spare) -> Self {
        PackedChunk { store, entities: Vec::new(), metrics: Vec::new() }
    }

    /// An id for an entity name, a new one each call (the stream asks once per name a chunk gives;
    /// two ids of one name would still be one entity once appended).
    pub fn entity(&mut self, name: &str) -> u32 {
        self.entities.push(name.into());
        self.entities.len() as u32 - 1
    }

    /// An id for a metric name, a new one each call, as [`PackedChunk::entity`].
    pub fn metric(&mut self, name: &str) -> u32 {
        self.metrics.push(name.into());
        self.metrics.len() as u32 - 1
    }

    /// Packs a fact under ids from [`PackedChunk::entity`] and [`PackedChunk::metric`].
    pub fn push(&mut self, entity: u32, metric: u32, scenario: Scenario, period: Period, fact: Fact) {
        self.store.push(entity, metric * 3 + scenario as u32, period, fact);
    }

    /// The id of a unit in the chunk's facts, for [`PackedChunk::push_plain`] (the stream keeps it
    /// with the unit's text, where a look-up per fact compared units).
    pub fn unit(&mut self, unit: Unit) -> u32 {
        self.store.unit_id(unit)
    }

    /// [`PackedChunk::push`] for a figure of at most 18 digits, given as its digits and scale (what
    /// [`crate::data::value::plain_digits`] reads), in the unit of id `unit` ([`PackedChunk::unit`]):
    /// packed as it is, with no [`Fact`] made.
    pub fn push_plain(
        &mut self,
        (entity, metric, scenario, period): (u32, u32, Scenario, Period),
        (digits, scale): (i64, u32),
        unit: u32,
        origin: Origin,
        given: Option<Date>,
    ) {
        debug_assert!((unit as usize) < self.store.units.len(), "a unit id the store has not given");
        let column = metric * 3 + scenario as u32;
        self.store.pack((entity, column, period), Value::Small(digits, scale as u8), unit, origin, given);
    }
}

/// The facts of every entity, in columns of (metric, scenario) over entity × period slots.
#[derive(Debug, Default)]
pub struct Sheets {
    /// Entity names, sorted.
    pub entities: Vec<String>,
    /// Metric names, sorted.
    pub metrics: Vec<String>,
    metric_ids: FxHashMap<String, MetricId>,
    /// The slot (see [`Period::slot`]) of the earliest period in the data.
    first_slot: usize,
    /// How many period slots each entity row has.
    n_slots: usize,
    /// One column per metric and scenario (`metric * 3 + scenario`); `None` where it has no fact.
    columns: Vec<Option<Column>>,
    store: Store,
    /// How many facts the columns hold (a conflicting second value is stored but not placed).
    placed: usize,
    /// Per entity, the periods at which it has any fact, in order.
    entity_periods: Vec<Vec<Period>>,
    /// Per metric, the distinct units its facts are written in.
    metric_units: Vec<BTreeSet<Unit>>,
    /// Per metric, the first fact written in each of its units (for a diagnostic that shows them).
    unit_facts: Vec<Vec<(Unit, u32)>>,
    /// Per column, whether it holds figures and whether it holds ranges.
    shapes: Vec<Shape>,
    pub conflicts: Vec<Conflict>,
    /// Stock splits the sources' restatements show, in the order the sources were read.
    pub splits: Vec<Split>,
    pub sources: Vec<DataSource>,
    /// What the files say about each entity: `name`, `sector`, `fiscal_year_end`, ...
    pub attributes: super::entity::Attributes,
    /// Per entity, the day its fiscal year ends (31 December where its data does not say).
    year_ends: Vec<crate::calendar::YearEnd>,
    /// The metric names grouped for did-you-mean, made on first use ([`Sheets::nearest_metric`]).
    metric_groups: std::sync::OnceLock<crate::suggest::Groups>,
    /// Per (column, position) of a key given at more than one date, its vintages' fact indexes, the
    /// undated first, then by date.
    vintages: FxHashMap<(u32, u64), Vec<u32>>,
    /// Per entity, whether one of its actuals has vintages (a restated filing): only then may a check
    /// of it have a filing to choose (guidance given twice is history, not a restatement).
    vintaged_actuals: Vec<bool>,
}

/// The fact index a dense column's slot holds: a slot holds the index plus one, and 0 where it is
/// empty, so that a column is made zeroed (pages the allocator hands out untouched, faulted in only
/// where a fact is placed, by the workers that place them) rather than filled with a marker first.
/// Every read of a dense slot goes through here.
#[inline]
fn dense_fact(slot: u32) -> Option<u32> {
    slot.checked_sub(1)
}

/// A column's facts by position (`entity * n_slots + slot`): dense where at least a quarter of the
/// slots hold a fact, else a sorted list of the filled positions. Memory so follows the number of
/// facts, never entities × metrics × periods: a file of a thousand entities, each with a metric of
/// its own, spans a million columns' slots but stores a thousand facts.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Dense(Vec<u32>),
    Sparse(Vec<(u64, u32)>),
}

impl Column {
    /// An empty column of `size` positions, laid out for `count` facts.
    fn new(size: usize, count: usize) -> Column {
        if size <= count.saturating_mul(4) {
            Column::Dense(vec![0; size])
        } else {
            Column::Sparse(Vec::with_capacity(count))
        }
    }

    /// The fact index at the first filled position.
    fn first(&self) -> Option<u32> {
        match self {
            Column::Dense(slots) => slots.iter().copied().find_map(dense_fact),
            Column::Sparse(filled) => filled.first().map(|&(_, fact)| fact),
        }
    }

    /// Puts a fact index at a position that holds one.
    fn set(&mut self, position: usize, index: u32) {
        match self {
            Column::Dense(slots) => slots[position] = index + 1,
            Column::Sparse(filled) => {
                if let Ok(found) = filled.binary_search_by_key(&(position as u64), |&(p, _)| p) {
                    filled[found].1 = index;
                }
            }
        }
    }

    /// The fact index at a position, if any.
    fn get(&self, position: usize) -> Option<u32> {
        match self {
            Column::Dense(slots) => slots.get(position).copied().and_then(dense_fact),
            Column::Sparse(filled) => {
                let found = filled.binary_search_by_key(&(position as u64), |&(p, _)| p).ok()?;
                Some(filled[found].1)
            }
        }
    }
}

/// A second value for a key already placed: the index of the one kept and of the other.
#[derive(Debug, PartialEq, Eq)]
struct Repeat {
    kept: u32,
    other: u32,
}

/// The (metric, unit) pairs seen, each fact's asked in turn: a table where metrics times units are few
/// (a bulk file names a handful of units), else a set (a metric may be written in as many units as it
/// has facts).
enum Pairs {
    Table { seen: Vec<bool>, units: usize },
    Set(rustc_hash::FxHashSet<(u32, u32)>),
}

impl Pairs {
    fn new(metrics: usize, units: usize) -> Pairs {
        match metrics.checked_mul(units) {
            Some(size) if size <= 1 << 20 => Pairs::Table { seen: vec![false; size], units },
            _ => Pairs::Set(rustc_hash::FxHashSet::default()),
        }
    }

    /// Notes a pair; whether it is new.
    fn insert(&mut self, metric: u32, unit: u32) -> bool {
        match self {
            Pairs::Table { seen, units } => {
                !std::mem::replace(&mut seen[metric as usize * *units + unit as usize], true)
            }
            Pairs::Set(set) => set.insert((metric, unit)),
        }
    }
}

/// The facts a pass of [`by_pieces`] gives a worker at a time; a store of no more is passed over on
/// the calling thread (a run of a few files starts no worker).
const PIECE: usize = 1 << 18;

/// A pass over the facts, shared by the workers a piece at a time: each piece's findings are made by
/// `each` into a fresh `start()`, and the pieces' are merged. The findings must not depend on how the
/// facts were cut (flags, counts, bounds), so the sheets are the same whatever the number of workers.
fn by_pieces<T: Send>(
    facts: &mut [Stored],
    start: impl Fn() -> T + Sync + Send,
    each: impl Fn(&mut T, &mut [Stored]) + Sync + Send,
    merge: impl Fn(T, T) -> T + Sync + Send,
) -> T {
    if facts.len() <= PIECE {
        let mut found = start();
        each(&mut found, facts);
        return found;
    }
    use rayon::prelude::*;
    crate::workers::pool().install(|| {
        facts
            .par_chunks_mut(PIECE)
            .fold(&start, |mut found, piece| {
                each(&mut found, piece);
                found
            })
            .reduce(&start, &merge)
    })
}

/// The names and period slots facts use: the first pass of [`Sheets::build`].
#[derive(Debug, PartialEq, Eq)]
struct Usage {
    entities: Vec<bool>,
    metrics: Vec<bool>,
    /// The earliest and latest slots (`(u16::MAX, 0)` for no fact).
    slots: (u16, u16),
}

impl Usage {
    fn new(entities: usize, metrics: usize) -> Usage {
        Usage { entities: vec![false; entities], metrics: vec![false; metrics], slots: (u16::MAX, 0) }
    }

    fn note(&mut self, facts: &[Stored]) {
        for f in facts {
            self.entities[f.entity as usize] = true;
            self.metrics[(f.column / 3) as usize] = true;
            self.slots = (self.slots.0.min(f.slot), self.slots.1.max(f.slot));
        }
    }

    fn merge(mut self, other: Usage) -> Usage {
        self.entities.iter_mut().zip(other.entities).for_each(|(a, b)| *a |= b);
        self.metrics.iter_mut().zip(other.metrics).for_each(|(a, b)| *a |= b);
        self.slots = (self.slots.0.min(other.slots.0), self.slots.1.max(other.slots.1));
        self
    }
}

/// Whether facts come in entity order, found by pieces ([`by_pieces`]): the first and last entity of
/// the facts seen, and whether their entities never went down.
#[derive(Debug, Clone, Copy)]
struct Order {
    ends: Option<(u32, u32)>,
    ordered: bool,
}

impl Default for Order {
    fn default() -> Order {
        Order { ends: None, ordered: true }
    }
}

impl Order {
    /// The order of these facts and then `next`'s.
    fn then(self, next: Order) -> Order {
        match (self.ends, next.ends) {
            (None, _) => next,
            (_, None) => self,
            (Some((first, last)), Some((next_first, next_last))) => {
                Order { ends: Some((first, next_last)), ordered: self.ordered && next.ordered && last <= next_first }
            }
        }
    }
}

/// Whether a column (`metric * 3 + scenario`) holds actuals.
fn is_actual(column: u32) -> bool {
    column % 3 == Scenario::Actual as u32
}

/// Splits the repeats of keys into vintages and repeats within one vintage. Of the facts at one
/// position, the first of each given date (or the first undated) is a vintage; a later fact of the
/// same date repeats that vintage's first, a conflict or a duplicate as before. An undated actual
/// beside dated ones is no vintage but a repeat of the latest ([`fold_undated_actual`]). Returns those
/// repeats (by `other`, in order) and, per position with vintages, its vintages by date.
fn split_vintages(store: &Store, repeats: Vec<Repeat>) -> (Vec<Repeat>, Vec<Vec<u32>>) {
    if repeats.is_empty() {
        return (repeats, Vec::new());
    }
    let mut by_first: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    let mut same = Vec::with_capacity(repeats.len());
    for r in repeats {
        let firsts = by_first.entry(r.kept).or_insert_with(|| vec![r.kept]);
        let given = store.given_of(r.other);
        match firsts.iter().find(|&&f| store.given_of(f) == given) {
            Some(&first) => same.push(Repeat { kept: first, other: r.other }),
            None => firsts.push(r.other),
        }
    }
    let mut vintages: Vec<Vec<u32>> = by_first.into_values().filter(|v| v.len() > 1).collect();
    for v in &mut vintages {
        v.sort_by_key(|&i| store.given_of(i));
        if is_actual(store.facts[v[0] as usize].column) {
            fold_undated_actual(store, v, &mut same);
        }
    }
    vintages.sort_unstable_by_key(|v| v.iter().min().copied());
    same.sort_by_key(|r| r.other);
    (same, vintages)
}

/// An actual is one figure, restated at times: an undated source of it (an article beside an SEC
/// filing) is checked against the latest vintage, the figure in use, rather than kept as a vintage of
/// its own, so that the article's disagreement is still a conflict. `vintages` is sorted, the undated
/// first; it is left with the dated ones.
fn fold_undated_actual(store: &Store, vintages: &mut Vec<u32>, same: &mut Vec<Repeat>) {
    let (Some(&undated), Some(&latest)) = (vintages.first(), vintages.last()) else { return };
    if store.given_of(undated).is_some() {
        return;
    }
    for r in same.iter_mut().filter(|r| r.kept == undated) {
        r.kept = latest;
    }
    vintages.remove(0);
    same.push(Repeat { kept: latest, other: undated });
}

/// Runs `first` on the calling thread and `second` beside it on a worker, for a pass over more than a
/// [`PIECE`] of `facts` (a smaller one runs both on the calling thread).
fn beside<A: Send, B: Send>(facts: usize, first: impl FnOnce() -> A, second: impl FnOnce() -> B + Send) -> (A, B) {
    if facts <= PIECE {
        return (first(), second());
    }
    let mut other = None;
    let done = crate::workers::pool().in_place_scope(|scope| {
        scope.spawn(|_| other = Some(second()));
        first()
    });
    (done, other.expect("a scope waits for its tasks"))
}

/// Where a pass of [`place`] is cut: each part's first fact index and first entity (the first part's
/// is 0). Facts that come in entity order (`ordered`) and are more than a [`PIECE`] are cut into
/// `parts` at entity changes, so that each part fills the positions of its own entities; others are one part.
fn cuts(facts: &[Stored], ordered: bool, parts: usize) -> Vec<(usize, u32)> {
    let mut cuts = vec![(0, 0)];
    if !ordered || facts.len() <= PIECE {
        return cuts;
    }
    for part in 1..parts {
        let from = (facts.len() * part / parts).max(cuts[cuts.len() - 1].0 + 1);
        // the first fact from there on of another entity than the one before it
        let Some(at) = (from..facts.len()).find(|&i| facts[i].entity != facts[i - 1].entity) else { break };
        cuts.push((at, facts[at].entity));
    }
    cuts
}

/// A column as one part of [`place`] fills it: the slots of the part's entities, or the part's own
/// list of filled positions.
enum Part<'a> {
    Dense(&'a mut [u32]),
    Sparse(Vec<(u64, u32)>),
    Off,
}

/// What a part of [`place`] gives: its repeats, and its sparse lists by column (empty for the others).
type Placed = (Vec<Repeat>, Vec<Vec<(u64, u32)>>);

/// Places each fact in its column, in the order they came (the first to come at a position stays);
/// returns the repeats (a fact at a position already filled), by `other`. Facts in entity order are
/// placed by parts over the workers ([`cuts`]): a part's entities, and so its positions, are its
/// own, each part writes its own sub-slices of the dense columns, and the sparse lists are joined in
/// part order, which is position order, so the columns and repeats are those of one pass.
fn place(
    facts: &[Stored],
    columns: &mut [Option<Column>],
    (n_slots, first_slot): (usize, usize),
    ordered: bool,
    parts: usize,
) -> Vec<Repeat> {
    let cuts = cuts(facts, ordered, parts);
    let bounds: Vec<usize> = cuts[1..].iter().map(|&(_, entity)| entity as usize * n_slots).collect();
    let mut views: Vec<Vec<Part>> = cuts.iter().map(|_| Vec::with_capacity(columns.len())).collect();
    for column in columns.iter_mut() {
        match column {
            Some(Column::Dense(slots)) => {
                let (mut rest, mut at): (&mut [u32], usize) = (slots, 0);
                for (view, &bound) in views.iter_mut().zip(&bounds) {
                    let (head, tail) = std::mem::take(&mut rest).split_at_mut(bound - at);
                    view.push(Part::Dense(head));
                    (rest, at) = (tail, bound);
                }
                views[cuts.len() - 1].push(Part::Dense(rest));
            }
            Some(Column::Sparse(filled)) => {
                // the first part fills the column's list, made for all its facts; the others' are joined to it
                views[0].push(Part::Sparse(std::mem::take(filled)));
                views[1..].iter_mut().for_each(|view| view.push(Part::Sparse(Vec::new())));
            }
            None => views.iter_mut().for_each(|view| view.push(Part::Off)),
        }
    }
    let tasks: Vec<(usize, usize, Vec<Part>)> = views
        .into_iter()
        .enumerate()
        .map(|(i, view)| (cuts[i].0, cuts.get(i + 1).map_or(facts.len(), |&(at, _)| at), view))
        .collect();
    let (n_tasks, bounds) = (tasks.len(), &bounds);
    let place = |(i, (from, to, mut view)): (usize, (usize, usize, Vec<Part>))| {
        let offset = if i == 0 { 0 } else { bounds[i - 1] };
        let repeats = place_part(&facts[from..to], from, offset, &mut view, (n_slots, first_slot));
        let lists: Vec<Vec<(u64, u32)>> = view
            .into_iter()
            .map(|part| match part {
                Part::Sparse(filled) => filled,
                Part::Dense(_) | Part::Off => Vec::new(),
            })
            .collect();
        (repeats, lists)
    };
    let placed: Vec<Placed> = match n_tasks {
        1 => tasks.into_iter().enumerate().map(place).collect(),
        _ => {
            use rayon::prelude::*;
            crate::workers::pool().install(|| tasks.into_par_iter().enumerate().map(place).collect())
        }
    };
    let mut repeats = Vec::new();
    for (part, lists) in placed {
        // each part's repeats are in order, and its indexes follow the part's before
        repeats.extend(part);
        for (column, list) in columns.iter_mut().zip(lists) {
            if let Some(Column::Sparse(filled)) = column {
                match filled.is_empty() {
                    true => *filled = list,
                    false => filled.extend_from_slice(&list),
                }
            }
        }
    }
    repeats
}

/// One part of [`place`]: `facts` from index `from` on, in `view`, whose dense slots start at
/// position `offset`; sorts the part's sparse lists. Returns the part's repeats, by `other`.
fn place_part(
    facts: &[Stored],
    from: usize,
    offset: usize,
    view: &mut [Part],
    (n_slots, first_slot): (usize, usize),
) -> Vec<Repeat> {
    let mut repeats = Vec::new();
    let base = first_slot + offset;
    for (index, f) in (from as u32..).zip(facts) {
        // the position in the part's slots
        let at = f.entity as usize * n_slots + f.slot as usize - base;
        match &mut view[f.column as usize] {
            Part::Dense(slots) => match dense_fact(slots[at]) {
                None => slots[at] = index + 1,
                Some(kept) => repeats.push(Repeat { kept, other: index }),
            },
            Part::Sparse(filled) => filled.push(((at + offset) as u64, index)),
            Part::Off => {}
        }
    }
    for part in view.iter_mut() {
        if let Part::Sparse(filled) = part {
            // The pairs are distinct and came in the order of their indexes: sorted whole, the first to
            // come at a position stays first, as a stable sort by position leaves it (with no scratch).
            filled.sort_unstable();
            let mut kept = 0usize;
            for at in 0..filled.len() {
                let (position, index) = filled[at];
                match kept.checked_sub(1).map(|last| filled[last]) {
                    Some((p, first)) if p == position => repeats.push(Repeat { kept: first, other: index }),
                    _ => {
                        filled[kept] = (position, index);
                        kept += 1;
                    }
                }
            }
            filled.truncate(kept);
        }
    }
    repeats.sort_by_key(|r| r.other);
    repeats
}

/// Each entity's periods, each metric's units and each column's shape, from the facts placed.
struct Described {
    entity_periods: Vec<Vec<Period>>,
    metric_units: Vec<BTreeSet<Unit>>,
    shapes: Vec<Shape>,
}

impl Described {
    /// Gathers what the facts say, all but those `repeated` (the repeats left once vintages are
    /// split off: each vintage of a key counts). Where none is left out, also per metric the first
    /// fact of each unit it is written in, what [`first_units`] finds, in the same pass (else empty).
    fn gather(
        store: &Store,
        n_entities: usize,
        n_metrics: usize,
        repeated: &FxHashSet<u32>,
    ) -> (Described, Vec<Vec<(Unit, u32)>>) {
        let mut slots: Vec<Vec<u16>> = vec![Vec::new(); n_entities];
        let mut firsts: Vec<Vec<(Unit, u32)>> = vec![Vec::new(); n_metrics];
        let mut shapes = vec![Shape::default(); n_metrics * 3];
        let mut seen_units = Pairs::new(n_metrics, store.units.len());
        for (index, f) in (0u32..).zip(&store.facts) {
            if !repeated.is_empty() && repeated.contains(&index) {
                continue;
            }
            let seen = &mut slots[f.entity as usize];
            if seen.last() != Some(&f.slot) {
                seen.push(f.slot);
            }
            let unit = store.unit_of(index, f);
            if seen_units.insert(f.column / 3, unit) {
                firsts[(f.column / 3) as usize].push((store.units[unit as usize], index));
            }
            let shape = &mut shapes[f.column as usize];
            match f.kind {
                Kind::Range => shape.ranges = true,
                Kind::Small | Kind::Big | Kind::Approx => shape.numbers = true,
            }
        }
        let entity_periods = slots
            .into_iter()
            .map(|mut seen| {
                seen.sort_unstable();
                seen.dedup();
                seen.into_iter().map(|s| Period::from_slot(s as usize)).collect()
            })
            .collect();
        let metric_units = firsts.iter().map(|units| units.iter().map(|&(unit, _)| unit).collect()).collect();
        if !repeated.is_empty() {
            firsts.iter_mut().for_each(Vec::clear);
        }
        (Described { entity_periods, metric_units, shapes }, firsts)
    }
}

/// Per metric, the first fact of each unit it is written in. Every fact's unit, a conflicting second
/// value's too: a metric measures one thing in every source (an EPS in `USD` in one file and
/// `USD/share` in another is a data error, not a conflict). [`Described::gather`] finds it in its
/// pass; this is the test's oracle.
#[cfg(test)]
fn first_units(store: &Store, n_metrics: usize) -> Vec<Vec<(Unit, u32)>> {
    let mut firsts = vec![Vec::new(); n_metrics];
    let mut seen = Pairs::new(n_metrics, store.units.len());
    for (index, f) in (0u32..).zip(&store.facts) {
        let unit = store.unit_of(index, f);
        if seen.insert(f.column / 3, unit) {
            firsts[(f.column / 3) as usize].push((store.units[unit as usize], index));
        }
    }
    firsts
}

impl Sheets {
    /// The metric most similar to a misspelt name, with its score, for "did you mean …?": the metrics
    /// are grouped once, on the first call, for every later one (400 unknown names over 100,000
    /// metrics each scanned them all).
    pub fn nearest_metric(&self, name: &str) -> Option<(f64, &str)> {
        let groups =
            self.metric_groups.get_or_init(|| crate::suggest::Groups::new(self.metrics.iter().map(String::as_str)));
        groups.nearest(name, |i| self.metrics[i].as_str()).0
    }

    /// Lays out the gathered facts: names sorted, ids renumbered, facts placed in their columns in
    /// the order they came (so the first source wins), repeats turned into conflicts or errors.
    fn build(builder: SheetBuilder) -> Result<Sheets, Vec<Diag>> {
        let SheetBuilder {
            mut store,
            entities,
            metrics,
            sources,
            conflicts: found,
            attributes,
            kept_metrics,
            splits,
            ..
        } = builder;
        let (n_entities, n_metrics) = (entities.names.len(), metrics.names.len());
        let usage = by_pieces(
            &mut store.facts,
            || Usage::new(n_entities, n_metrics),
            |usage, facts| usage.note(facts),
            Usage::merge,
        );
        let Usage { entities: used_entities, metrics: mut used_metrics, slots: (first_slot, last_slot) } = usage;
        kept_metrics.iter().for_each(|&m| used_metrics[m as usize] = true);
        let (entities, entity_place) = entities.sorted(&used_entities);
        let (metrics, metric_place) = metrics.sorted(&used_metrics);
        let (first_slot, n_slots) = match store.facts.is_empty() {
            true => (0, 0),
            false => (first_slot as usize, (last_slot - first_slot) as usize + 1),
        };
        let n_columns = metrics.len() * 3;
        let (counts, order) = by_pieces(
            &mut store.facts,
            || (vec![0usize; n_columns], Order::default()),
            |(counts, order), facts| {
                let mut piece = Order { ends: None, ordered: true };
                let mut last = facts.first().map_or(0, |f| entity_place[f.entity as usize]);
                for f in facts.iter_mut() {
                    f.entity = entity_place[f.entity as usize];
                    f.column = metric_place[(f.column / 3) as usize] * 3 + f.column % 3;
                    counts[f.column as usize] += 1;
                    piece.ordered &= last <= f.entity;
                    last = f.entity;
                }
                piece.ends = facts.first().map(|f| (f.entity, last));
                *order = order.then(piece);
            },
            |(mut a, first), (b, second)| {
                a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
                (a, first.then(second))
            },
        );
        let size = entities.len() * n_slots;
        let mut columns: Vec<Option<Column>> =
            counts.iter().map(|&count| (count > 0).then(|| Column::new(size, count))).collect();
        // The placing runs beside the passes that describe the facts (the periods, units and shapes
        // of all of them). Repeats are rare: where some are left once vintages are split off (true
        // duplicates, an undated actual folded under its latest vintage), the facts are described
        // again without them; vintages are described, each of them.
        let (named, measured) = (entities.len(), metrics.len());
        // a part a worker: the other parts' sparse lists are held beside the columns' until joined
        let parts = if store.facts.len() > PIECE { crate::workers::threads() } else { 1 };
        let (repeats, (described, unit_facts)) = beside(
            store.facts.len(),
            || place(&store.facts, &mut columns, (n_slots, first_slot), order.ordered, parts),
            || Described::gather(&store, named, measured, &FxHashSet::default()),
        );
        let (repeats, vintages) = split_vintages(&store, repeats);
        let described = match repeats.is_empty() {
            true => described,
            false => {
                let repeated: FxHashSet<u32> = repeats.iter().map(|r| r.other).collect();
                Described::gather(&store, named, measured, &repeated).0
            }
        };
        let metric_ids = metrics.iter().enumerate().map(|(i, m)| (m.clone(), i as MetricId)).collect();
        let year_ends = entities.iter().map(|e| attributes.year_end(e).unwrap_or(crate::calendar::DECEMBER)).collect();
        let mut sheets = Sheets {
            entity_periods: described.entity_periods,
            metric_units: described.metric_units,
            unit_facts,
            shapes: described.shapes,
            placed: store.facts.len() - repeats.len(),
            entities,
            metrics,
            metric_ids,
            first_slot,
            n_slots,
            columns,
            store,
            conflicts: found,
            splits,
            sources,
            year_ends,
            attributes,
            metric_groups: std::sync::OnceLock::new(),
            vintages: FxHashMap::default(),
            vintaged_actuals: Vec::new(),
        };
        sheets.place_vintages(vintages);
        let mut duplicates = Vec::new();
        // Per key given more than once, the first fact of each file that gave it: a file that gives
        // a key twice is wrong whatever other files say (a streamed file is checked here).
        let mut givers: FxHashMap<u32, Vec<(SourceId, Span)>> = FxHashMap::default();
        for r in &repeats {
            let (kept, other) = (sheets.store.get(r.kept), sheets.store.get(r.other));
            let key = sheets.key_of(r.other);
            let files = givers.entry(r.kept).or_insert_with(|| vec![(kept.origin.file, kept.origin.span)]);
            match files.iter().find(|(file, _)| *file == other.origin.file) {
                Some(&(_, first)) => duplicates.push(super::file::duplicate(&key, first, other)),
                None => {
                    files.push((other.origin.file, other.origin.span));
                    if !kept.agrees_with(&other) {
                        sheets.conflicts.push(Conflict { key, kept, other });
                    }
                }
            }
        }
        if duplicates.is_empty() { Ok(sheets) } else { Err(duplicates) }
    }

    /// Places the default vintage of each key given at several dates in its column slot (a key whose
    /// undated actual was folded into its one dated vintage too) and keeps the list of its vintages.
    /// An actual's default is its latest vintage (the most recent filing); a guidance's or consensus's
    /// is the latest given before the period's actual was reported (the actual's given date), or its
    /// latest where the actual is missing or undated or none came before. Actuals go first, so that the
    /// others read the actual's default.
    fn place_vintages(&mut self, mut vintages: Vec<Vec<u32>>) {
        vintages.sort_by_key(|v| !is_actual(self.store.facts[v[0] as usize].column));
        self.vintaged_actuals = vec![false; self.entities.len()];
        for list in vintages {
            let first = self.store.facts[list[0] as usize];
            let position = first.entity as u64 * self.n_slots as u64 + (first.slot as usize - self.first_slot) as u64;
            // when the period's actual was reported: the given date of its default vintage
            let actual = self.columns[(first.column / 3 * 3) as usize].as_ref();
            let reported = actual
                .filter(|_| !is_actual(first.column))
                .and_then(|c| c.get(position as usize))
                .and_then(|i| self.store.given_of(i));
            let before = |&&i: &&u32| reported.is_none_or(|r| self.store.given_of(i).is_none_or(|g| g < r));
            let chosen = list.iter().rfind(before).or(list.last()).copied();
            if let (Some(chosen), Some(column)) = (chosen, self.columns[first.column as usize].as_mut()) {
                column.set(position as usize, chosen);
            }
            if is_actual(first.column) {
                self.vintaged_actuals[first.entity as usize] = true;
            }
            self.vintages.insert((first.column, position), list);
        }
    }

    /// A vintage of a fact: the default one (what [`Sheets::get`] gives) or, by `pick`, an earlier
    /// one, the latest given on or before a date, the first or the last; `None` where there is none.
    pub fn vintage(
        &self,
        metric: MetricId,
        scenario: Scenario,
        entity: EntityId,
        period: Period,
        pick: Vintage,
    ) -> Option<Fact> {
        let column = metric * 3 + scenario as u32;
        let position = entity as usize * self.n_slots + self.slot_index(period)?;
        let default = self.columns[column as usize].as_ref()?.get(position)?;
        let one = [default];
        let list = self.vintages.get(&(column, position as u64)).map_or(&one[..], Vec::as_slice);
        let at = list.iter().position(|&i| i == default)?;
        let index = match pick {
            Vintage::Back(n) => list.get(at.checked_sub(n as usize)?),
            Vintage::AsOf(date) => list.iter().rfind(|&&i| self.store.given_of(i).is_some_and(|g| g <= date)),
            Vintage::First => list.first(),
            Vintage::Last => list.last(),
        };
        index.map(|&i| self.store.get(i))
    }

    /// Whether one of an entity's actuals has more than one vintage: where none has, each actual
    /// input of its checks has one value and no check of it need choose a filing to read from.
    pub fn has_vintaged_actual(&self, entity: EntityId) -> bool {
        self.vintaged_actuals.get(entity as usize).is_some_and(|&v| v)
    }

    /// Whether a fact has more than one vintage (a restated SEC fact, a guidance given twice): the
    /// cheap question a fast path asks before reading a fact as its one value.
    pub fn vintaged(&self, metric: MetricId, scenario: Scenario, entity: EntityId, period: Period) -> bool {
        self.vintage_list(metric, scenario, entity, period).is_some()
    }

    /// The vintages of a fact that has more than one, by date.
    fn vintage_list(&self, metric: MetricId, scenario: Scenario, entity: EntityId, period: Period) -> Option<&[u32]> {
        if self.vintages.is_empty() {
            return None;
        }
        let position = entity as usize * self.n_slots + self.slot_index(period)?;
        self.vintages.get(&(metric * 3 + scenario as u32, position as u64)).map(Vec::as_slice)
    }

    /// The fact indexes of a fact's vintages: the list of one that has several, else its one fact.
    fn indexes_of(&self, metric: MetricId, scenario: Scenario, entity: EntityId, period: Period) -> Vec<u32> {
        match self.vintage_list(metric, scenario, entity, period) {
            Some(list) => list.to_vec(),
            None => {
                let column = self.columns.get((metric * 3 + scenario as u32) as usize).and_then(Option::as_ref);
                let position = self.slot_index(period).map(|s| entity as usize * self.n_slots + s);
                column.zip(position).and_then(|(c, p)| c.get(p)).into_iter().collect()
            }
        }
    }

    /// The filings that give a fact: each vintage's file at its date and at the earlier dates it was
    /// also given at (an undated vintage belongs to no filing), sorted.
    pub fn filings(&self, metric: MetricId, scenario: Scenario, entity: EntityId, period: Period) -> Vec<Filing> {
        let mut out = Vec::new();
        for i in self.indexes_of(metric, scenario, entity, period) {
            let file = self.store.origin_of(i).file;
            let dates = self.store.given_of(i).into_iter().chain(self.store.also_of(i));
            out.extend(dates.map(|given| Filing { given, file }));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// A fact as one filing gave it: the vintage that filing gives, dated the filing's date (a value
    /// repeated by a later filing is the earlier filing's too); `None` where the filing does not give it.
    pub fn as_filed(
        &self,
        metric: MetricId,
        scenario: Scenario,
        entity: EntityId,
        period: Period,
        filing: Filing,
    ) -> Option<Fact> {
        let gives = |&i: &u32| {
            self.store.origin_of(i).file == filing.file
                && (self.store.given_of(i) == Some(filing.given) || self.store.also_of(i).any(|d| d == filing.given))
        };
        let index = self.indexes_of(metric, scenario, entity, period).into_iter().find(gives)?;
        Some(Fact { given: Some(filing.given), ..self.store.get(index) })
    }

    /// The key of a stored fact, with its names.
    fn key_of(&self, index: u32) -> FactKey {
        let f = &self.store.facts[index as usize];
        FactKey {
            entity: self.entities[f.entity as usize].clone(),
            metric: self.metrics[(f.column / 3) as usize].clone(),
            period: Period::from_slot(f.slot as usize),
            scenario: Scenario::ALL[(f.column % 3) as usize],
        }
    }

    /// The id of a metric name.
    pub fn metric_id(&self, name: &str) -> Option<MetricId> {
        self.metric_ids.get(name).copied()
    }

    /// The day an entity's fiscal year ends.
    pub fn year_end(&self, entity: EntityId) -> crate::calendar::YearEnd {
        self.year_ends.get(entity as usize).copied().unwrap_or(crate::calendar::DECEMBER)
    }

    /// The calendar months a period of an entity covers, where its fiscal year is not the calendar
    /// year (`Apr–Jun 2025` for Microsoft's `2025Q4`); `None` where fiscal periods are calendar ones.
    pub fn calendar_months(&self, entity: EntityId, period: Period) -> Option<crate::calendar::Months> {
        let year_end = self.year_end(entity);
        (!year_end.is_calendar()).then(|| year_end.months(period))
    }

    /// An entity and a period as reports show them: `AMZN 2025Q4`, `MSFT 2025Q4 (Apr–Jun 2025)`.
    pub fn at(&self, entity: EntityId, period: Period) -> String {
        let name = &self.entities[entity as usize];
        match self.calendar_months(entity, period) {
            Some(months) => format!("{name} {period} ({months})"),
            None => format!("{name} {period}"),
        }
    }

    /// The id of an entity name.
    pub fn entity_id(&self, name: &str) -> Option<EntityId> {
        self.entities.binary_search_by(|e| e.as_str().cmp(name)).ok().map(|i| i as EntityId)
    }

    /// The fact of a metric at an entity, period and scenario.
    pub fn get(&self, metric: MetricId, scenario: Scenario, entity: EntityId, period: Period) -> Option<Fact> {
        let column = self.columns[metric as usize * 3 + scenario as usize].as_ref()?;
        let slot = self.slot_index(period)?;
        column.get(entity as usize * self.n_slots + slot).map(|i| self.store.get(i))
    }

    /// A slot as packed, for compiled kernels ([`crate::eval::kernel`]): a plain figure whose digits
    /// fit an `i64`, of a key with one vintage, comes as its digits, scale and unit, a range as
    /// written; anything else (a margin, a wide figure, a negative zero, vintages) is for the
    /// evaluator to read.
    /// `column` is `metric * 3 + scenario`.
    pub fn packed(&self, column: u32, entity: EntityId, period: Period) -> Packed {
        self.row(column, entity).packed(period)
    }

    /// One column's slots at one entity, found once and read slot by slot ([`Row::packed`]): what a
    /// compiled kernel reads an entity's checks from.
    pub fn row(&self, column: u32, entity: EntityId) -> Row<'_> {
        let base = entity as usize * self.n_slots;
        let slots = match self.columns.get(column as usize).and_then(Option::as_ref) {
            None => RowSlots::Empty,
            Some(Column::Dense(slots)) => slots.get(base..base + self.n_slots).map_or(RowSlots::Empty, RowSlots::Dense),
            Some(Column::Sparse(filled)) => {
                let (from, to) = (base as u64, (base + self.n_slots) as u64);
                let start = filled.partition_point(|&(p, _)| p < from);
                let end = start + filled[start..].partition_point(|&(p, _)| p < to);
                RowSlots::Sparse(&filled[start..end])
            }
        };
        Row { sheets: self, column, base, slots }
    }

    /// The first fact (by entity, then period) of a metric in a scenario, if it has any.
    pub fn first_fact(&self, metric: MetricId, scenario: Scenario) -> Option<Fact> {
        let column = self.columns[metric as usize * 3 + scenario as usize].as_ref()?;
        column.first().map(|i| self.store.get(i))
    }

    /// What kinds of value a metric holds in a scenario.
    pub fn shape(&self, metric: MetricId, scenario: Scenario) -> Shape {
        self.shapes[metric as usize * 3 + scenario as usize]
    }

    /// How many period slots a row has: the span from the earliest to the latest period.
    pub fn n_slots(&self) -> usize {
        self.n_slots
    }

    /// The row index of a period, if it lies within the data's span.
    pub fn slot_index(&self, period: Period) -> Option<usize> {
        period.slot().checked_sub(self.first_slot).filter(|&s| s < self.n_slots)
    }

    /// The periods at which an entity has any fact, in order.
    pub fn periods_of(&self, entity: EntityId) -> &[Period] {
        &self.entity_periods[entity as usize]
    }

    /// The distinct units a metric's facts are written in.
    pub fn units_of(&self, metric: MetricId) -> &BTreeSet<Unit> {
        &self.metric_units[metric as usize]
    }

    /// The first fact of a metric written in each of its units, in the order the facts came.
    pub fn facts_by_unit(&self, metric: MetricId) -> impl Iterator<Item = (Unit, Fact)> + '_ {
        self.unit_facts[metric as usize].iter().map(|&(unit, index)| (unit, self.store.get(index)))
    }

    /// How many facts the sheets hold (conflicting second values not counted).
    pub fn len(&self) -> usize {
        self.placed
    }

    /// Whether the sheets hold no fact.
    pub fn is_empty(&self) -> bool {
        self.placed == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_shared_by_the_workers_finds_what_one_pass_finds() {
        let mut facts: Vec<Stored> = (0..PIECE * 2 + 7)
            .map(|i| Stored {
                value: [0, 0],
                entity: (i * 7 % 1001) as u32,
                column: (i % 12 * 3 + i % 3) as u32,
                start: 0,
                unit: 0,
                len: 0,
                slot: (900 + i * 13 % 97 + usize::from(i == PIECE + 3) * 200) as u16,
                scale: 0,
                kind: Kind::Small,
            })
            .collect();
        // an entity and a slot only the last piece names
        facts.last_mut().unwrap().entity = 1200;
        facts.last_mut().unwrap().slot = 17;
        let shared = by_pieces(&mut facts, || Usage::new(1300, 20), |u, f| u.note(f), Usage::merge);
        let mut alone = Usage::new(1300, 20);
        alone.note(&facts);
        assert_eq!(shared, alone);
        assert!(shared.slots.0 == 17 && shared.slots.1 >= 1100, "{:?}", shared.slots);
        assert!(shared.entities[1200] && !shared.entities[1201] && shared.metrics[11] && !shared.metrics[12]);
        let count =
            |counts: &mut Vec<usize>, facts: &mut [Stored]| facts.iter().for_each(|f| counts[f.column as usize] += 1);
        let add = |mut a: Vec<usize>, b: Vec<usize>| {
            a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
            a
        };
        let counts = by_pieces(&mut facts, || vec![0; 60], count, add);
        assert_eq!(counts.iter().sum::<usize>(), facts.len());
        assert_eq!(counts[0], facts.iter().filter(|f| f.column == 0).count());
    }

    fn stored(entity: u32, column: u32, slot: u16, unit: u32) -> Stored {
        Stored { value: [0, 0], entity, column, start: 0, unit: unit as u16, len: 0, slot, scale: 0, kind: Kind::Small }
    }

    #[test]
    fn facts_placed_by_parts_are_placed_as_in_one_pass() {
        // Entities in order, 40 slots each: column 0 dense, column 4 sparse (its facts of an entity come
        // last, in reverse slot order), column 5 sparse with an entity of its own that has no other
        // fact, and repeats in each (a dense one, a sparse one, a sparse one of a position filled later).
        let (n_entities, n_slots) = (9_001u32, 40u16);
        let mut facts = Vec::new();
        for entity in 0..n_entities {
            for slot in 0..n_slots {
                facts.push(stored(entity, 0, slot, 0));
                if (entity * 40 + u32::from(slot)) % 997 == 0 {
                    facts.push(stored(entity, 0, slot, 0));
                    facts.push(stored(entity, 4, slot, 0));
                }
            }
            for slot in (0..n_slots).rev().filter(|s| s % 16 == 5) {
                facts.push(stored(entity, 4, slot, 0));
            }
            if entity % 1_000 == 999 {
                facts.push(stored(entity, 5, 7, 0));
                facts.push(stored(entity, 5, 7, 0));
            }
        }
        let columns = || -> Vec<Option<Column>> {
            let mut counts = [0usize; 6];
            facts.iter().for_each(|f| counts[f.column as usize] += 1);
            let size = n_entities as usize * usize::from(n_slots);
            counts.iter().map(|&count| (count > 0).then(|| Column::new(size, count))).collect()
        };
        let mut alone = columns();
        assert!(matches!(alone[0], Some(Column::Dense(_))) && matches!(alone[4], Some(Column::Sparse(_))));
        let repeats = place(&facts, &mut alone, (usize::from(n_slots), 0), false, 4);
        assert!(repeats.len() > 360 && repeats.windows(2).all(|r| r[0].other < r[1].other));
        // each position of a column, dense or sparse, holds the first fact to come there, and no other does
        let mut first: FxHashMap<(u32, usize), u32> = FxHashMap::default();
        for (index, f) in (0u32..).zip(&facts) {
            first.entry((f.column, f.entity as usize * usize::from(n_slots) + usize::from(f.slot))).or_insert(index);
        }
        for (column, placed) in (0u32..).zip(&alone) {
            let Some(placed) = placed else { continue };
            for position in 0..n_entities as usize * usize::from(n_slots) {
                assert_eq!(placed.get(position), first.get(&(column, position)).copied(), "{column} {position}");
            }
        }
        for parts in [2, 3, 4, 7] {
            let cut = cuts(&facts, true, parts);
            assert_eq!(cut.len(), parts);
            assert!(cut.windows(2).all(|c| c[0].0 < c[1].0 && c[0].1 < c[1].1));
            let mut shared = columns();
            assert_eq!(place(&facts, &mut shared, (usize::from(n_slots), 0), true, parts), repeats);
            assert_eq!(shared, alone);
        }
    }

    #[test]
    fn entity_order_is_found_by_pieces() {
        let mut facts: Vec<Stored> = (0..PIECE as u32 * 3).map(|i| stored(i / 100, 0, 0, 0)).collect();
        let find = |facts: &mut [Stored]| {
            by_pieces(
                facts,
                Order::default,
                |order, piece| {
                    let mut found = Order { ends: piece.first().map(|f| (f.entity, f.entity)), ordered: true };
                    for f in piece.iter() {
                        found.ordered &= found.ends.is_some_and(|(_, last)| last <= f.entity);
                        found.ends = found.ends.map(|(first, _)| (first, f.entity));
                    }
                    *order = order.then(found);
                },
                Order::then,
            )
        };
        assert!(find(&mut facts).ordered);
        // a step down where two pieces meet, and one inside a piece
        facts[PIECE].entity = 0;
        assert!(!find(&mut facts).ordered);
        facts[PIECE].entity = (PIECE / 100) as u32;
        facts[PIECE + 5].entity = 1;
        assert!(!find(&mut facts).ordered);
        assert!(Order::default().then(Order::default()).ordered);
    }

    #[test]
    fn the_first_fact_of_each_unit_is_found_in_the_pass_that_describes() {
        let mut store = Store::default();
        let units = ["USD m", "EUR m", "%", "USD/share"].map(|u| Unit::parse(u).unwrap());
        for &unit in &units {
            store.unit_id(unit);
        }
        store.facts =
            (0..5_000u32).map(|i| stored(i % 7, i % 5 * 3 + i % 2, (i % 11) as u16, i * i % 13 % 4)).collect();
        let (described, firsts) = Described::gather(&store, 7, 5, &FxHashSet::default());
        assert_eq!(firsts, first_units(&store, 5));
        assert!(firsts.iter().all(|f| f.len() == 4));
        let units_of = |firsts: &[Vec<(Unit, u32)>]| -> Vec<BTreeSet<Unit>> {
            firsts.iter().map(|f| f.iter().map(|&(u, _)| u).collect()).collect()
        };
        assert_eq!(described.metric_units, units_of(&firsts));
        // left out, the repeats' units and periods are not described, and no firsts are given
        let repeated: FxHashSet<u32> = (0..5_000).filter(|i| i % 5 == 0 || i % 11 == 3).collect();
        let (without, none) = Described::gather(&store, 7, 5, &repeated);
        assert!(none.iter().all(Vec::is_empty));
        assert!(without.metric_units[0].is_empty());
        assert!(without.entity_periods.iter().all(|p| p.len() == 10));
    }

    #[test]
    fn origins_too_wide_for_a_stored_fact_come_back_as_given() {
        // files in runs, and span lengths at, below and past the 16 bits a stored fact has for them,
        // pushed and appended in parts (a run across two parts, the wide ones renumbered), then dropped
        // by a truncate
        let origins: Vec<Origin> = [(0, 0, 0), (3, 10, 15), (65_534, 7, 65_541), (65_535, 7, 8), (70_000, 0, 1)]
            .into_iter()
            .chain([
                (2, 100, 100 + 65_534),
                (2, 100, 100 + 65_535),
                (2, 100, 100 + 65_536),
                (1, u32::MAX - 3, u32::MAX),
                // a span past 4 GiB of a file, its ends cut to 32 bits: the end below the start
                (1, u32::MAX - 1, 2),
            ])
            .map(|(file, start, end)| Origin { file: SourceId(file), span: Span { start, end } })
            .collect();
        let fact = |origin| Fact { origin, ..fact("1.5 USD m") };
        let period = Period::parse("2025Q4").unwrap();
        let mut whole = Store::default();
        origins.iter().for_each(|&o| whole.push(0, 0, period, fact(o)));
        let mut builder = SheetBuilder::default();
        for part in origins.chunks(2) {
            let mut packed = PackedChunk::default();
            let (entity, metric) = (packed.entity("E1"), packed.metric("revenue"));
            part.iter().for_each(|&o| packed.push(entity, metric, Scenario::Actual, period, fact(o)));
            builder.append(packed);
        }
        for (i, &origin) in origins.iter().enumerate() {
            assert_eq!((whole.get(i as u32).origin, builder.store.get(i as u32).origin), (origin, origin));
        }
        assert_eq!((whole.files.len(), whole.wide.len()), (7, 2));
        assert_eq!((builder.store.files, builder.store.wide), (whole.files.clone(), whole.wide.clone()));
        whole.truncate(7);
        assert_eq!((whole.files.len(), whole.wide.len()), (6, 1));
        assert_eq!((whole.get(6).origin, whole.get(5).origin), (origins[6], origins[5]));
    }

    #[test]
    fn units_past_the_bits_of_a_stored_fact_come_back_as_given() {
        // 65,600 units, the last ones past the 16 bits of a fact's, one a fact, pushed one by one and
        // appended in parts (each part's own ids fit; the builder's do not, from some part on)
        let units: Vec<Unit> = (0..65_600).map(|i| Unit::parse(&format!("sheet_test_unit_{i}")).unwrap()).collect();
        let period = Period::parse("2025Q4").unwrap();
        let fact = |i: usize| Fact {
            value: FactValue::Number(Quantity::new(Decimal::new(i as i64, 1), units[i])),
            origin: Origin { file: SourceId(0), span: Span::new(i, i + 3) },
            given: None,
        };
        let mut whole = Store::default();
        (0..units.len()).for_each(|i| whole.push(0, 0, period, fact(i)));
        let mut builder = SheetBuilder::default();
        for part in (0..units.len()).collect::<Vec<_>>().chunks(1_000) {
            let mut packed = PackedChunk::default();
            let (entity, metric) = (packed.entity("E1"), packed.metric("revenue"));
            part.iter().for_each(|&i| packed.push(entity, metric, Scenario::Actual, period, fact(i)));
            builder.append(packed);
        }
        for i in 0..units.len() {
            assert_eq!((whole.get(i as u32), builder.store.get(i as u32)), (fact(i), fact(i)), "{i}");
        }
        assert_eq!(whole.wide.len(), 65_600 - 65_535);
        assert_eq!(builder.store.wide, whole.wide);
    }

    #[test]
    fn figures_come_back_as_written() {
        let mut store = Store::default();
        let origin = Origin { file: SourceId(3), span: Span::new(10, 15) };
        let written = ["213.4", "-0.0", "0", "-7.25", "79228162514264337593543950335", "0.000000000000000000000000001"];
        for text in written {
            let value = crate::num::parse_decimal(text).unwrap();
            let fact = Fact { value: FactValue::Number(Quantity::new(value, Unit::None)), origin, given: None };
            store.push(0, 0, Period::parse("2025Q4").unwrap(), fact);
        }
        for (i, text) in written.iter().enumerate() {
            let FactValue::Number(q) = store.get(i as u32).value else { panic!("a number") };
            let parsed = crate::num::parse_decimal(text).unwrap();
            assert_eq!(
                (q.value, q.value.to_string(), q.value.is_sign_negative()),
                (parsed, parsed.to_string(), parsed.is_sign_negative())
            );
            assert_eq!(store.get(i as u32).origin, origin);
        }
    }

    fn fact(text: &str) -> Fact {
        let value = crate::data::parse_value(text, Unit::None).unwrap();
        Fact { value, origin: Origin { file: SourceId(0), span: Span::new(0, text.len()) }, given: None }
    }

    #[test]
    fn a_margin_is_kept_beside_the_packed_fact() {
        let mut store = Store::default();
        store.push(0, 0, Period::parse("2025Q4").unwrap(), fact("102466 ± 1 USD m"));
        store.push(0, 0, Period::parse("2025Q3").unwrap(), fact("7.25 +/- 0.125 %"));
        assert_eq!(store.get(0), fact("102466 ± 1 USD m"));
        assert_eq!(store.get(1).value.show(), "7.25 ± 0.125 %");
        assert_eq!(store.get(0).unit(), Unit::parse("USD m").unwrap());
    }

    #[test]
    fn facts_appended_in_parts_are_those_pushed_one_by_one() {
        // Names, units and every side table (big figures, ranges, margins, dates) renumbered part by part.
        let rows = [
            ("AMZN", "revenue", "2025Q4", "213.4 USD bn", None),
            ("AMZN", "revenue", "2026Q1", "173.5..178.5 USD bn", Some(20_000)),
            ("AMZN", "shares", "2025Q4", "1234567890123456789012345678", None),
            ("MSFT", "revenue", "2025Q4", "102466 ± 1 USD m", Some(20_100)),
            ("AMZN", "margin", "2025Q4", "11.7 %", None),
            ("MSFT", "shares", "2025Q4", "-0.0", None),
            ("AMZN", "capex", "FY2025", "..213 USD bn", Some(20_200)),
            ("MSFT", "margin", "2025Q4", "7.25 ± 0.125 %", None),
        ];
        let fact_of = |(_, _, _, text, given): (&str, &str, &str, &str, Option<i32>)| Fact {
            given: given.map(Date::from_days),
            ..fact(text)
        };
        let (mut one_by_one, mut in_parts) = (SheetBuilder::default(), SheetBuilder::default());
        one_by_one.add_source(SourceId(0), None);
        in_parts.add_source(SourceId(0), None);
        for &row @ (entity, metric, period, ..) in &rows {
            let key = FactKey {
                entity: entity.into(),
                metric: metric.into(),
                period: Period::parse(period).unwrap(),
                scenario: Scenario::Actual,
            };
            one_by_one.insert(key, fact_of(row));
        }
        for part in rows.chunks(3) {
            let mut packed = PackedChunk::default();
            for &row @ (entity, metric, period, ..) in part {
                let (entity, metric) = (packed.entity(entity), packed.metric(metric));
                packed.push(entity, metric, Scenario::Actual, Period::parse(period).unwrap(), fact_of(row));
            }
            in_parts.append(packed);
        }
        let (expected, got) = (one_by_one.finish().unwrap(), in_parts.finish().unwrap());
        assert_eq!((&got.entities, &got.metrics), (&expected.entities, &expected.metrics));
        assert_eq!(got.sources, expected.sources);
        for &row @ (entity, metric, period, ..) in &rows {
            let entity = expected.entities.iter().position(|e| e == entity).unwrap() as EntityId;
            let metric = expected.metrics.iter().position(|m| m == metric).unwrap() as MetricId;
            let period = Period::parse(period).unwrap();
            let fact = got.get(metric, Scenario::Actual, entity, period).unwrap();
            assert_eq!(fact, expected.get(metric, Scenario::Actual, entity, period).unwrap());
            assert_eq!((fact, fact.value.show()), (fact_of(row), fact_of(row).value.show()));
        }
    }

    /// [`Row::figure_at`] read through [`Row::whole`].
    fn whole_at(whole: Whole, slot: usize) -> Option<Option<Figure>> {
        match whole {
            Whole::Empty => Some(None),
            Whole::Dense(row) => row.figure_at(slot),
            Whole::Slots(row) => row.figure_at(slot),
        }
    }

    #[test]
    fn a_whole_row_reads_each_slot_as_figure_at_does() {
        // `dense` fills 3 of 4 slots of each entity (every kind of fact among them), `sparse` one
        // in 9, `lone` one slot of one entity; each sheet once without vintages and once with a
        // fact of a fourth entity given at two dates (in the dense column, then in the sparse one).
        let values = [
            "213.4 USD bn",
            "-7 USD m",
            "11.7 %",
            "1234567890123456789012345678",
            "1..2 USD m",
            "102466 ± 1 USD m",
            "-0.0",
            "3",
        ];
        let periods: Vec<Period> = (2020..2026)
            .flat_map(|y| {
                ["Q1", "Q2", "Q3", "Q4", ""].map(|q| if q.is_empty() { format!("FY{y}") } else { format!("{y}{q}") })
            })
            .map(|p| Period::parse(&p).unwrap())
            .collect();
        for vintaged in [None, Some("dense"), Some("sparse")] {
            let mut builder = SheetBuilder::default();
            builder.add_source(SourceId(0), None);
            let mut add = |entity: &str, metric: &str, period: Period, text: &str, given: Option<i32>| {
                let key = FactKey { entity: entity.into(), metric: metric.into(), period, scenario: Scenario::Actual };
                builder.insert(key, Fact { given: given.map(Date::from_days), ..fact(text) });
            };
            for (e, entity) in ["A", "B", "C"].into_iter().enumerate() {
                for (k, &period) in periods.iter().enumerate() {
                    if (k + e) % 4 != 3 {
                        add(entity, "dense", period, values[(k + e) % values.len()], None);
                    }
                    if (k + 2 * e) % 9 == 0 {
                        add(entity, "sparse", period, values[(k / 9 + e) % values.len()], None);
                    }
                }
            }
            add("B", "lone", periods[7], "5 USD m", None);
            if let Some(metric) = vintaged {
                add("D", metric, periods[0], "1 USD m", Some(20_000));
                add("D", metric, periods[0], "2 USD m", Some(20_100));
            }
            let sheets = builder.finish().unwrap();
            assert_eq!(sheets.vintages.is_empty(), vintaged.is_none());
            let mut kinds = [0; 3];
            for column in 0..(sheets.metrics.len() as u32 + 1) * 3 {
                for entity in 0..sheets.entities.len() as EntityId {
                    let row = sheets.row(column, entity);
                    let whole = row.whole();
                    kinds[match whole {
                        Whole::Empty => 0,
                        Whole::Dense(_) => 1,
                        Whole::Slots(_) => 2,
                    }] += 1;
                    for slot in 0..sheets.n_slots() + 2 {
                        assert_eq!(whole_at(whole, slot), row.figure_at(slot), "{column} {entity} {slot} {vintaged:?}");
                    }
                }
            }
            assert!(kinds[0] > 0 && kinds[2] > 0 && (kinds[1] > 0) == vintaged.is_none(), "{kinds:?}");
        }
    }

    #[test]
    fn a_margin_decides_whether_two_sources_agree() {
        // 102465..102467 against 102467.5..102468.5: a gap; against 102466.5..102467.5: they meet.
        let derived = fact("102466 ± 1 USD m");
        assert!(!derived.agrees_with(&fact("102468 USD m")) && !fact("102468 USD m").agrees_with(&derived));
        assert!(derived.agrees_with(&fact("102467 USD m")) && fact("102467 USD m").agrees_with(&derived));
        // 102466.85..102466.95 meets, 102467.45..102467.55 does not: the margin is read in base units.
        assert!(derived.agrees_with(&fact("102.4669 USD bn")) && !derived.agrees_with(&fact("102.4675 USD bn")));
        assert!(!derived.agrees_with(&fact("102466 %")), "a ratio never agrees with money");
        assert!(!derived.agrees_with(&fact("102465..102467 USD m")), "a figure never agrees with a range");
        let figure = derived.value.figure().unwrap().unwrap();
        assert_eq!(
            (figure.lo, figure.hi),
            (Decimal::new(102_465_000_000, 0).into(), Decimal::new(102_467_000_000, 0).into())
        );
        assert_eq!(fact("1..2").value.figure(), None);
    }
}
