//! The generator: a seeded world of data (figures of varied precision, money at several scales in
//! several files, ratios in `%` and `bps`, pure numbers) and rules over it, legal by the contract
//! (a bare literal only multiplies, divides or is zero; a literal met by money or a ratio carries
//! its unit). Families of rules come with data built for them: sums that touch a bound, figures one
//! digit apart, quotients that do not terminate, divisors near zero.

use super::exact::{Dim, Figure, Q, U, int};
use super::oracle::{self, percent};
use super::rules::{Check, Cmp, Expr, Func, Op, Rule, Tol, bin, scalar};
use super::world::{Cell, Home, World};

/// xorshift64*: small, seeded, the same numbers on every machine.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value; zero is moved off).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A number in `lo..hi`.
    pub fn range(&mut self, lo: i128, hi: i128) -> i128 {
        lo + self.below((hi - lo) as u64) as i128
    }

    /// True `pct` times in a hundred.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }

    /// One of the items.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// How many of each kind of plain metric a world has.
const MONEY: usize = 8;
const RATIOS: usize = 3;
const PURE: usize = 2;

/// The generator's state: the world being built and the magnitude of its money.
pub struct Gen {
    pub rng: Rng,
    pub w: World,
    /// Typical money, in USD.
    base: i128,
    money: Vec<usize>,
    ratios: Vec<usize>,
    pure: Vec<usize>,
}

/// A world of `entities` × `periods` cells and `rules` rules from a seed.
pub fn world(seed: u64, entities: usize, periods: usize, rules: usize) -> World {
    let mut rng = Rng::new(seed);
    let base = rng.range(1, 10) * 10i128.pow(9 + rng.below(3) as u32);
    let mut g = Gen { rng, w: World::default(), base, money: vec![], ratios: vec![], pure: vec![] };
    let letters = ["ALFA", "BRAV", "CHAR", "DELT", "ECHO", "FOXT", "GOLF", "HOTL", "INDI", "JULI"];
    g.w.entities = (0..entities).map(|e| format!("{}{}", letters[e % 10], e / 10)).collect();
    g.w.periods = (0..periods).map(|p| format!("{}Q{}", 2020 + p / 4, p % 4 + 1)).collect();
    g.plain_metrics();
    while g.w.rules.len() < rules {
        match g.rng.below(100) {
            0..55 => g.random_rule(),
            55..67 => g.touch_family(),
            67..79 => g.quotient_family(),
            79..86 => g.scale_family(),
            86..94 => g.ratio_family(),
            _ => g.near_zero_family(),
        }
    }
    g.w.rules.truncate(rules);
    g.w
}

impl Gen {
    /// A money figure near the world's magnitude, in a unit and precision of the writer's choosing.
    fn money_figure(&mut self, unit: U) -> Figure {
        let mut v = self.rng.range(self.base / 20, self.base * 2);
        if self.rng.chance(8) {
            v = -v;
        }
        if self.rng.chance(3) {
            v = 0;
        }
        let scale = match unit {
            U::Bn if self.rng.chance(5) => self.rng.range(6, 10) as u32,
            U::Bn => self.rng.pick(&[0, 1, 1, 2, 3]),
            U::M => self.rng.pick(&[0, 0, 1, 2]),
            _ => self.rng.pick(&[0, 1]),
        };
        Figure::nearest(&int(v), unit, scale).expect("money fits")
    }

    /// A ratio figure between -20 % and 60 %, in `%` or `bps`.
    fn ratio_figure(&mut self) -> Figure {
        let v = Q::new(self.rng.range(-200_000, 600_000).into(), 1_000_000.into());
        let (unit, scale) = if self.rng.chance(70) {
            (U::Pct, self.rng.pick(&[0, 1, 1, 2, 3]))
        } else {
            (U::Bps, self.rng.pick(&[0, 0, 1]))
        };
        Figure::nearest(&v, unit, scale).expect("ratio fits")
    }

    /// A pure number between 0.5 and 1000.
    fn pure_figure(&mut self) -> Figure {
        let v = Q::new(self.rng.range(500, 1_000_000).into(), 1000.into());
        let scale = self.rng.pick(&[0, 1, 2, 3]);
        Figure::nearest(&v, U::Bare, scale).expect("pure fits")
    }

    /// The money unit a metric is usually written in, and sometimes another one.
    fn money_unit(&mut self, usual: U) -> U {
        if self.rng.chance(15) { self.rng.pick(&[U::Bn, U::M, U::K]) } else { usual }
    }

    /// A new money metric with random facts at every cell but a few.
    fn money_metric(&mut self, name: String) -> usize {
        let home = self.rng.pick(&[Home::Toml, Home::Toml, Home::Csv]);
        let usual = if home == Home::Toml { U::Bn } else { self.rng.pick(&[U::M, U::M, U::Bn, U::K]) };
        let m = self.w.add_metric(name, home);
        for cell in self.w.cells() {
            if !self.rng.chance(3) {
                let unit = self.money_unit(usual);
                let f = self.money_figure(unit);
                self.w.facts.insert((m, cell), f);
            }
        }
        m
    }

    /// The plain metrics random rules draw on: money, ratios and pure numbers.
    fn plain_metrics(&mut self) {
        for i in 0..MONEY {
            let m = self.money_metric(format!("m{i}"));
            self.money.push(m);
        }
        for i in 0..RATIOS {
            let home = self.rng.pick(&[Home::Toml, Home::Csv]);
            let m = self.w.add_metric(format!("r{i}"), home);
            for cell in self.w.cells() {
                if !self.rng.chance(3) {
                    let f = self.ratio_figure();
                    self.w.facts.insert((m, cell), f);
                }
            }
            self.ratios.push(m);
        }
        for i in 0..PURE {
            let m = self.w.add_metric(format!("p{i}"), Home::Pure);
            for cell in self.w.cells() {
                if !self.rng.chance(3) {
                    let f = self.pure_figure();
                    self.w.facts.insert((m, cell), f);
                }
            }
            self.pure.push(m);
        }
    }

    /// Adds a rule of a family, named after its place and family.
    fn rule(&mut self, family: &'static str, check: Check) {
        let name = format!("r{:04}_{}", self.w.rules.len(), family.replace('-', "_"));
        self.w.rules.push(Rule { name, family, check });
    }

    /// A scalar multiplier: `3`, `0.5`, `1.25`.
    fn multiplier(&mut self) -> Expr {
        let (m, s) =
            self.rng.pick(&[(2, 0), (3, 0), (7, 0), (5, 1), (15, 1), (4, 0), (25, 2), (35, 1), (12, 0), (125, 3)]);
        scalar(m, s)
    }

    /// A scalar divisor, most of which make quotients that do not terminate: `3`, `7`, `0.3`.
    fn divisor(&mut self) -> Expr {
        let (m, s) = self.rng.pick(&[(3, 0), (7, 0), (2, 0), (4, 0), (9, 0), (11, 0), (3, 1), (6, 0)]);
        scalar(m, s)
    }

    /// A random expression of a dimension, `depth` levels deep at most.
    fn expr(&mut self, dim: Dim, depth: u32) -> Expr {
        if depth == 0 || self.rng.chance(30) {
            return self.leaf(dim);
        }
        let d = depth - 1;
        match self.rng.below(10) {
            0..3 => {
                let op = self.rng.pick(&[Op::Add, Op::Sub]);
                bin(op, self.expr(dim, d), self.expr(dim, d))
            }
            3 => bin(Op::Mul, self.expr(dim, d), self.multiplier()),
            4 => bin(Op::Mul, self.multiplier(), self.expr(dim, d)),
            5 => bin(Op::Div, self.expr(dim, d), self.divisor()),
            6 => Expr::Neg(Box::new(self.expr(dim, d))),
            7 => Expr::Paren(Box::new(self.expr(dim, d))),
            8 if dim == Dim::Pure => bin(Op::Div, self.expr(dim, d), self.expr(dim, d)),
            _ => {
                let f = self.rng.pick(&[Func::Min, Func::Max, Func::Abs, Func::Sum, Func::Avg]);
                let n = if f == Func::Abs { 1 } else { self.rng.range(2, 4) as usize };
                Expr::Call(f, (0..n).map(|_| self.expr(dim, d)).collect())
            }
        }
    }

    /// A metric of a dimension, or for a ratio sometimes a quotient of money.
    fn leaf(&mut self, dim: Dim) -> Expr {
        match dim {
            Dim::Money => Expr::Metric(self.rng.pick(&self.money)),
            Dim::Ratio if self.rng.chance(50) => {
                let (a, b) = (self.rng.pick(&self.money), self.rng.pick(&self.money));
                bin(Op::Div, Expr::Metric(a), Expr::Metric(b))
            }
            Dim::Ratio => Expr::Metric(self.rng.pick(&self.ratios)),
            Dim::Pure => Expr::Metric(self.rng.pick(&self.pure)),
        }
    }

    /// An expression's point at a few cells until one has a value there.
    fn sample(&mut self, e: &Expr) -> Option<Q> {
        let cells = self.w.cells();
        (0..8).find_map(|_| {
            let cell = cells[self.rng.below(cells.len() as u64) as usize];
            let check = Check::Chain(vec![e.clone()], vec![]);
            match oracle::verdict(&self.w, &check, cell) {
                oracle::Verdict::Skip => None,
                _ => oracle::value(&self.w, e, cell).ok().map(|v| v.pt),
            }
        })
    }

    /// A literal of a dimension in one of its units near a value: the value itself where it can be
    /// written in a few digits (a bound exactly touched), rounded, or a little off.
    fn literal_near(&mut self, q: &Q, dim: Dim) -> Figure {
        let unit = match dim {
            Dim::Money => self.rng.pick(&[U::Bn, U::Bn, U::M]),
            Dim::Ratio => self.rng.pick(&[U::Pct, U::Pct, U::Bps]),
            Dim::Pure => U::Bare,
        };
        let mode = self.rng.below(4);
        if mode == 0
            && let Some(f) = Figure::exactly(q, unit, 8)
        {
            return f;
        }
        let q = if mode == 3 { q * Q::new((1000 + self.rng.range(-150, 150)).into(), 1000.into()) } else { q.clone() };
        let scale = self.rng.below(4) as u32;
        Figure::nearest(&q, unit, scale).unwrap_or(Figure { mant: 1, scale: 0, unit })
    }

    /// A tolerance for `~=` between values of a dimension near `q`: absolute in the dimension's
    /// unit, or relative.
    fn tolerance(&mut self, q: &Q, dim: Dim) -> Tol {
        if self.rng.chance(50) {
            let (m, s) = self.rng.pick(&[(5, 1), (1, 0), (2, 0), (5, 0), (10, 0), (9725, 2)]);
            return Tol::Rel(percent(m, s));
        }
        match dim {
            Dim::Ratio => {
                Tol::Abs(Figure { mant: self.rng.pick(&[5, 1, 25, 50]), scale: self.rng.below(2) as u32, unit: U::Pp })
            }
            _ => {
                let t = super::exact::abs(q) * Q::new(self.rng.range(1, 100).into(), 1000.into());
                let unit = if dim == Dim::Pure { U::Bare } else { self.rng.pick(&[U::Bn, U::M]) };
                let mut f = Figure::nearest(&t, unit, 1).unwrap_or(Figure { mant: 5, scale: 1, unit });
                f.mant = f.mant.abs();
                Tol::Abs(f)
            }
        }
    }

    /// A random rule over the plain metrics.
    fn random_rule(&mut self) {
        let dim = match self.rng.below(10) {
            0..6 => Dim::Money,
            6..9 => Dim::Ratio,
            _ => Dim::Pure,
        };
        let depth = self.rng.range(1, 4) as u32;
        let lhs = self.expr(dim, depth);
        let q = self.sample(&lhs).unwrap_or_else(|| int(0));
        let check = match self.rng.below(20) {
            0..11 => {
                let op = self.rng.pick(&[Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge, Cmp::Eq, Cmp::Ne]);
                let rhs = match self.rng.below(20) {
                    0..9 => self.expr(dim, depth.min(2)),
                    9..19 => Expr::Lit(self.literal_near(&q, dim)),
                    _ => scalar(0, 0),
                };
                Check::Chain(vec![lhs, rhs], vec![op])
            }
            11..13 => self.chain(lhs, &q, dim),
            13..18 => {
                let rhs = if q >= int(0) && self.rng.chance(50) {
                    Expr::Lit(self.literal_near(&q, dim))
                } else {
                    self.expr(dim, depth.min(2))
                };
                let tol = if self.rng.chance(40) { None } else { Some(self.tolerance(&q, dim)) };
                Check::Approx(lhs, rhs, tol)
            }
            _ => {
                let (a, b) = (q.clone() * Q::new(9.into(), 10.into()), q * Q::new(11.into(), 10.into()));
                let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                let lo = self.literal_near(&lo, dim);
                let hi = Figure::nearest(&hi, lo.unit, lo.scale).unwrap_or(lo);
                let hi = if hi.value() < lo.value() { lo } else { hi };
                Check::In(lhs, lo, hi)
            }
        };
        self.rule("random", check);
    }

    /// A chain of three: `lo <= x < hi` with literal bounds, or three expressions.
    fn chain(&mut self, lhs: Expr, q: &Q, dim: Dim) -> Check {
        let ops = vec![self.rng.pick(&[Cmp::Lt, Cmp::Le]), self.rng.pick(&[Cmp::Lt, Cmp::Le])];
        if self.rng.chance(50) {
            let lo = self.literal_near(&(q - super::exact::abs(q) / int(10)), dim);
            let hi = self.literal_near(&(q + super::exact::abs(q) / int(10)), dim);
            Check::Chain(vec![Expr::Lit(lo), lhs, Expr::Lit(hi)], ops)
        } else {
            let (b, c) = (self.expr(dim, 1), self.expr(dim, 1));
            Check::Chain(vec![lhs, b, c], ops)
        }
    }

    /// Money metrics written in one unit and precision for the whole family, the first random and
    /// each other one its own mantissa plus an offset in last digits.
    fn aligned(&mut self, family: &str, offsets: &[&[i128]]) -> Vec<usize> {
        let unit = self.rng.pick(&[U::Bn, U::M, U::K]);
        let scale = self.rng.below(4) as u32;
        let n = self.w.metrics.len();
        let home = |g: &mut Gen| if unit == U::Bn { Home::Toml } else { g.rng.pick(&[Home::Toml, Home::Csv]) };
        let h = home(self);
        let first = self.w.add_metric(format!("{family}{n}_a"), h);
        let mut ms = vec![first];
        for (i, _) in offsets.iter().enumerate() {
            let h = home(self);
            ms.push(self.w.add_metric(format!("{family}{n}_{}", (b'b' + i as u8) as char), h));
        }
        for cell in self.w.cells() {
            let v = self.money_figure(unit);
            let f = Figure::nearest(&v.value(), unit, scale).unwrap();
            self.w.facts.insert((first, cell), f);
            for (i, offs) in offsets.iter().enumerate() {
                let k = self.rng.pick(offs);
                self.w.facts.insert((ms[i + 1], cell), Figure { mant: f.mant + k, ..f });
            }
        }
        ms
    }

    /// Figures one or two last digits apart, whose intervals meet, touch or miss: `x ~= y`,
    /// `a + b ~= c + d` (touching where the sums are two digits apart).
    fn touch_family(&mut self) {
        let ms = self.aligned("t", &[&[-2, -1, 0, 1, 2, 3], &[-1, 0, 1], &[-3, -2, 2, 3, 0]]);
        let [x, y, b, c] = [ms[0], ms[1], ms[2], ms[3]].map(Expr::Metric);
        let f = self.w.fact(ms[0], Cell { entity: 0, period: 0 }).copied().unwrap();
        let ulp = Figure { mant: 1, scale: f.scale, unit: f.unit };
        self.rule("touch", Check::Approx(x.clone(), y.clone(), None));
        self.rule("touch", Check::Approx(y.clone(), x.clone(), Some(Tol::Abs(ulp))));
        let op = self.rng.pick(&[Cmp::Le, Cmp::Lt, Cmp::Eq]);
        self.rule("touch", Check::Chain(vec![x.clone(), y.clone()], vec![op]));
        // c = a + (0|±2|±3) digits, b = a + (0|±1): a + b ~= c + a meets while the sums are at most two digits apart
        self.rule("touch", Check::Approx(bin(Op::Add, x.clone(), b.clone()), bin(Op::Add, c.clone(), x.clone()), None));
        self.rule("touch", Check::Approx(bin(Op::Sub, bin(Op::Add, x.clone(), b), c), x, None));
    }

    /// Quotients that do not terminate, multiplied back: exact arithmetic gives the input again.
    fn quotient_family(&mut self) {
        let x = self.pick_money();
        let y = self.pick_money();
        let (x, y) = (Expr::Metric(x), Expr::Metric(y));
        let d = self.divisor();
        let three = || scalar(3, 0);
        let cases = vec![
            Check::Chain(vec![bin(Op::Mul, bin(Op::Div, x.clone(), y.clone()), y.clone()), x.clone()], vec![Cmp::Eq]),
            Check::Chain(vec![bin(Op::Mul, bin(Op::Div, x.clone(), d.clone()), d.clone()), x.clone()], vec![Cmp::Eq]),
            Check::Chain(vec![bin(Op::Mul, bin(Op::Div, x.clone(), d.clone()), d.clone()), x.clone()], vec![Cmp::Lt]),
            Check::Chain(vec![bin(Op::Mul, bin(Op::Div, x.clone(), d.clone()), d.clone()), x.clone()], vec![Cmp::Ge]),
            Check::Chain(
                vec![
                    bin(Op::Mul, Expr::Call(Func::Avg, vec![x.clone(), x.clone(), y.clone()]), three()),
                    bin(Op::Add, bin(Op::Add, x.clone(), x.clone()), y.clone()),
                ],
                vec![Cmp::Eq],
            ),
            Check::Chain(
                vec![
                    bin(Op::Add, bin(Op::Div, x.clone(), d.clone()), bin(Op::Div, y.clone(), d.clone())),
                    bin(Op::Div, Expr::Paren(Box::new(bin(Op::Add, x.clone(), y.clone()))), d.clone()),
                ],
                vec![Cmp::Eq],
            ),
            Check::Chain(
                vec![
                    bin(Op::Div, x.clone(), y.clone()),
                    bin(Op::Div, bin(Op::Div, x.clone(), d.clone()), bin(Op::Div, y.clone(), d.clone())),
                ],
                vec![Cmp::Eq],
            ),
            Check::Chain(
                vec![bin(Op::Sub, bin(Op::Mul, bin(Op::Div, x.clone(), d.clone()), d), x.clone()), scalar(0, 0)],
                vec![Cmp::Eq],
            ),
            Check::Approx(bin(Op::Mul, bin(Op::Div, x.clone(), y.clone()), y.clone()), x.clone(), None),
            Check::Approx(x.clone(), bin(Op::Div, y.clone(), three()), Some(Tol::Rel(percent(9725, 2)))),
        ];
        for _ in 0..3 {
            let c = cases[self.rng.below(cases.len() as u64) as usize].clone();
            self.rule("quotient", c);
        }
    }

    /// A plain money metric.
    fn pick_money(&mut self) -> usize {
        self.rng.pick(&self.money)
    }

    /// One value written at two scales in two files: `12.345` in the bn file and `12345` or
    /// `12346` in the m file.
    fn scale_family(&mut self) {
        let n = self.w.metrics.len();
        let x = self.w.add_metric(format!("s{n}_bn"), Home::Toml);
        let y = self.w.add_metric(format!("s{n}_m"), Home::Csv);
        for cell in self.w.cells() {
            let f = self.money_figure(U::Bn);
            let f = Figure::nearest(&f.value(), U::Bn, self.rng.below(5) as u32).unwrap();
            let scale = f.scale.saturating_sub(3);
            let g = Figure::nearest(&f.value(), U::M, scale).unwrap();
            let k = self.rng.pick(&[0, 0, 0, 1, -1]);
            self.w.facts.insert((x, cell), f);
            self.w.facts.insert((y, cell), Figure { mant: g.mant + k, ..g });
        }
        let (x, y) = (Expr::Metric(x), Expr::Metric(y));
        let op = self.rng.pick(&[Cmp::Eq, Cmp::Le, Cmp::Ne]);
        self.rule("scale", Check::Chain(vec![x.clone(), y.clone()], vec![op]));
        self.rule("scale", Check::Approx(x.clone(), y.clone(), None));
        self.rule("scale", Check::Chain(vec![bin(Op::Sub, x, y), scalar(0, 0)], vec![Cmp::Eq]));
    }

    /// A ratio written beside the money it is the quotient of, rounded or a little off.
    fn ratio_family(&mut self) {
        let (n, d) = (self.pick_money(), self.pick_money());
        let home = self.rng.pick(&[Home::Toml, Home::Csv]);
        let r = self.w.add_metric(format!("q{}", self.w.metrics.len()), home);
        for cell in self.w.cells() {
            let q = match (self.w.fact(n, cell), self.w.fact(d, cell)) {
                (Some(a), Some(b)) if b.mant != 0 => a.value() / b.value(),
                _ => Q::new(self.rng.range(0, 500).into(), 1000.into()),
            };
            let q = if self.rng.chance(60) { q } else { q + Q::new(self.rng.range(-20, 20).into(), 10_000.into()) };
            let (unit, scale) = self.rng.pick(&[(U::Pct, 0), (U::Pct, 1), (U::Pct, 2), (U::Bps, 0)]);
            self.w.facts.insert((r, cell), Figure::nearest(&q, unit, scale).unwrap());
        }
        let (n, d, r) = (Expr::Metric(n), Expr::Metric(d), Expr::Metric(r));
        let q = bin(Op::Div, n.clone(), d.clone());
        let pp = Figure { mant: 5, scale: 1, unit: U::Pp };
        let cases = [
            Check::Approx(q.clone(), r.clone(), None),
            Check::Approx(q.clone(), r.clone(), Some(Tol::Abs(pp))),
            Check::Approx(r.clone(), q.clone(), Some(Tol::Rel(percent(2, 0)))),
            Check::Chain(vec![q.clone(), r.clone()], vec![self.rng.pick(&[Cmp::Ge, Cmp::Lt])]),
        ];
        for _ in 0..2 {
            let c = cases[self.rng.below(cases.len() as u64) as usize].clone();
            self.rule("ratio", c);
        }
        self.rule("ratio-times-money", Check::Approx(bin(Op::Mul, r, d), n, None));
    }

    /// A divisor that is a difference of figures a digit or two apart: zero, an interval that
    /// holds zero, or clear of it.
    fn near_zero_family(&mut self) {
        let ms = self.aligned("z", &[&[0, 1, -1, 2, -3, 5]]);
        let z = Expr::Metric(self.pick_money());
        let diff = Expr::Paren(Box::new(bin(Op::Sub, Expr::Metric(ms[0]), Expr::Metric(ms[1]))));
        let op = self.rng.pick(&[Cmp::Gt, Cmp::Lt, Cmp::Ne]);
        self.rule("near-zero", Check::Chain(vec![bin(Op::Div, z, diff), scalar(0, 0)], vec![op]));
    }
}
