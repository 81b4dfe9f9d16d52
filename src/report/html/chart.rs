//! The workpaper's small charts, laid out as SVG shapes for the template to draw: a guided metric's
//! actuals against its guidance over the periods, and a growth claim against the growth computed.
//!
//! Positions are floats (pixels need no exactness); every value a reader sees (axis ends, tooltips,
//! labels) is the exact figure as tickmark shows it elsewhere.

use std::fmt;

use crate::num::real::Rounding;
use crate::num::{Num, Real, display};

/// A pixel position, written with one decimal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Px(pub f64);

impl fmt::Display for Px {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1}", self.0)
    }
}

/// One drawn shape; `class` picks its colour from the page's style, `tip` is its `<title>`.
#[derive(Debug, Clone)]
pub enum Shape {
    Rect { x: Px, y: Px, w: Px, h: Px, class: &'static str, tip: String },
    Line { x1: Px, y1: Px, x2: Px, y2: Px, class: &'static str },
    Polyline { points: String, class: &'static str },
    Circle { cx: Px, cy: Px, class: &'static str, tip: String },
    Text { x: Px, y: Px, anchor: &'static str, class: &'static str, text: String },
}

/// A chart: its size, what it shows (the `aria-label` and the caption) and its shapes.
#[derive(Debug, Clone)]
pub struct Chart {
    pub width: u32,
    pub height: u32,
    pub caption: String,
    pub shapes: Vec<Shape>,
}

/// A value as a float, for positions only.
fn float(r: &Real) -> f64 {
    r.to_plain_string(17, Rounding::Nearest).parse().unwrap_or(0.0)
}

/// One period of a guided metric: its label, the actual (value and how it is shown) and the
/// guidance (each end where it has one, and how the guidance is shown).
pub struct GuidedPeriod {
    pub label: String,
    pub actual: Option<(Real, String)>,
    pub guidance: Option<(Option<Real>, Option<Real>, String)>,
}

const GUIDED_WIDTH: u32 = 520;
const GUIDED_HEIGHT: u32 = 200;
const LEFT: f64 = 96.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 34.0;

/// Actuals as a line with points, guidance as a band at each guided period (an open end runs to the
/// edge of the plot); the y axis is labelled at its ends with the lowest and highest figure drawn.
pub fn guided(caption: String, periods: &[GuidedPeriod], low: &str, high: &str) -> Option<Chart> {
    let values: Vec<f64> = periods
        .iter()
        .flat_map(|p| {
            let g = p.guidance.as_ref();
            let ends = g.map(|g| [g.0.as_ref(), g.1.as_ref()]).unwrap_or_default();
            p.actual.as_ref().map(|a| &a.0).into_iter().chain(ends.into_iter().flatten())
        })
        .map(float)
        .collect();
    let (min, max) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    if periods.is_empty() || !min.is_finite() {
        return None;
    }
    let (w, h) = (f64::from(GUIDED_WIDTH), f64::from(GUIDED_HEIGHT));
    let (plot_w, plot_h) = (w - LEFT - RIGHT, h - TOP - BOTTOM);
    let span = if max > min { max - min } else { 1.0 };
    // a tenth of the span either side, so that no point sits on the frame
    let y = |v: f64| TOP + plot_h * (1.0 - ((v - min) / span * 0.8 + 0.1));
    let step = plot_w / periods.len() as f64;
    let x = |i: usize| LEFT + step * (i as f64 + 0.5);
    let mut shapes = vec![
        Shape::Line { x1: Px(LEFT), y1: Px(TOP), x2: Px(LEFT), y2: Px(TOP + plot_h), class: "axis" },
        Shape::Line { x1: Px(LEFT), y1: Px(TOP + plot_h), x2: Px(w - RIGHT), y2: Px(TOP + plot_h), class: "axis" },
        Shape::Text { x: Px(LEFT - 6.0), y: Px(y(max) + 4.0), anchor: "end", class: "tick", text: high.to_owned() },
        Shape::Text { x: Px(LEFT - 6.0), y: Px(y(min) + 4.0), anchor: "end", class: "tick", text: low.to_owned() },
    ];
    let every = periods.len().div_ceil(10);
    for (i, p) in periods.iter().enumerate() {
        if let Some((lo, hi, shown)) = &p.guidance {
            let top = hi.as_ref().map_or(TOP, |v| y(float(v)));
            let bottom = lo.as_ref().map_or(TOP + plot_h, |v| y(float(v)));
            // a band of no height (point guidance) is drawn as a bar two pixels high
            let (top, height) = if bottom - top < 2.0 { (top - 1.0, 2.0) } else { (top, bottom - top) };
            let open = lo.is_none() || hi.is_none();
            shapes.push(Shape::Rect {
                x: Px(x(i) - step * 0.35),
                y: Px(top),
                w: Px(step * 0.7),
                h: Px(height),
                class: if open { "band open" } else { "band" },
                tip: format!("guidance {}: {shown}", p.label),
            });
        }
        if i % every == 0 {
            let text = p.label.clone();
            shapes.push(Shape::Text { x: Px(x(i)), y: Px(h - BOTTOM + 16.0), anchor: "middle", class: "tick", text });
        }
    }
    let actuals: Vec<(usize, &(Real, String))> =
        periods.iter().enumerate().filter_map(|(i, p)| Some((i, p.actual.as_ref()?))).collect();
    // a line through each run of consecutive periods with actuals: none across a period without one
    for run in actuals.chunk_by(|a, b| a.0 + 1 == b.0).filter(|run| run.len() > 1) {
        let points: Vec<String> = run.iter().map(|(i, a)| format!("{},{}", Px(x(*i)), Px(y(float(&a.0))))).collect();
        shapes.push(Shape::Polyline { points: points.join(" "), class: "actual" });
    }
    for (i, (value, shown)) in actuals {
        let tip = format!("actual {}: {shown}", periods[i].label);
        shapes.push(Shape::Circle { cx: Px(x(i)), cy: Px(y(float(value))), class: "actual", tip });
    }
    Some(Chart { width: GUIDED_WIDTH, height: GUIDED_HEIGHT, caption, shapes })
}

/// One interval of a claim chart: what it is, the interval, and whether it holds the check's verdict colour.
pub struct Bar {
    pub label: &'static str,
    pub value: Num,
    pub class: &'static str,
}

const BARS_WIDTH: u32 = 520;
const BAR_HEIGHT: f64 = 16.0;
const BAR_ROW: f64 = 26.0;
const BARS_LEFT: f64 = 150.0;
const BARS_RIGHT: f64 = 20.0;

/// Intervals as horizontal bars on one axis, each with its point marked and its interval written
/// beside its label; the axis is labelled at its ends with the hull of the bars.
pub fn bars(caption: String, bars: &[Bar]) -> Option<Chart> {
    let lo = bars.iter().map(|b| &b.value.lo).min()?;
    let hi = bars.iter().map(|b| &b.value.hi).max()?;
    let unit = bars[0].value.unit;
    let hull = Num { lo: lo.clone(), point: lo.clone(), hi: hi.clone(), unit };
    let shown = display::interval(&hull);
    let (low, high) = shown.split_once("..").unwrap_or((shown.as_str(), ""));
    let (min, max) = (float(lo), float(hi));
    let span = if max > min { max - min } else { 1.0 };
    let w = f64::from(BARS_WIDTH);
    let plot_w = w - BARS_LEFT - BARS_RIGHT;
    let x = |v: &Real| BARS_LEFT + plot_w * ((float(v) - min) / span * 0.9 + 0.05);
    let axis_y = 8.0 + BAR_ROW * bars.len() as f64;
    let height = axis_y + 26.0;
    let mut shapes = vec![
        Shape::Line { x1: Px(BARS_LEFT), y1: Px(axis_y), x2: Px(w - BARS_RIGHT), y2: Px(axis_y), class: "axis" },
        Shape::Text { x: Px(x(lo)), y: Px(axis_y + 16.0), anchor: "middle", class: "tick", text: low.to_owned() },
        Shape::Text { x: Px(x(hi)), y: Px(axis_y + 16.0), anchor: "middle", class: "tick", text: high.to_owned() },
    ];
    for (i, bar) in bars.iter().enumerate() {
        let top = 8.0 + BAR_ROW * i as f64;
        let interval = display::interval(&bar.value);
        let (left, right) = (x(&bar.value.lo), x(&bar.value.hi));
        let tip = format!("{}: {} ({interval})", bar.label, display::num(&bar.value));
        shapes.push(Shape::Text {
            x: Px(BARS_LEFT - 6.0),
            y: Px(top + BAR_HEIGHT - 4.0),
            anchor: "end",
            class: "label",
            text: bar.label.to_owned(),
        });
        shapes.push(Shape::Rect {
            x: Px(left),
            y: Px(top),
            w: Px((right - left).max(2.0)),
            h: Px(BAR_HEIGHT),
            class: bar.class,
            tip,
        });
        let point = x(&bar.value.point);
        shapes.push(Shape::Line {
            x1: Px(point),
            y1: Px(top - 2.0),
            x2: Px(point),
            y2: Px(top + BAR_HEIGHT + 2.0),
            class: "point",
        });
    }
    Some(Chart { width: BARS_WIDTH, height: height as u32, caption, shapes })
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::{GuidedPeriod, Shape, guided};
    use crate::num::Real;

    fn real(v: i64) -> Real {
        Real::from(Decimal::from(v))
    }

    fn period(label: &str, actual: Option<i64>, guidance: Option<(Option<i64>, Option<i64>)>) -> GuidedPeriod {
        GuidedPeriod {
            label: label.to_owned(),
            actual: actual.map(|v| (real(v), format!("{v}"))),
            guidance: guidance.map(|(lo, hi)| (lo.map(real), hi.map(real), "g".to_owned())),
        }
    }

    #[test]
    fn an_open_guidance_runs_to_the_edge_and_a_gap_breaks_the_line() {
        let periods = [
            period("Q1", Some(10), None),
            period("Q2", Some(12), None),
            period("Q3", None, None),
            period("Q4", Some(14), Some((None, Some(13)))),
        ];
        let chart = guided("c".to_owned(), &periods, "10", "14").unwrap();
        let lines: Vec<&String> = chart
            .shapes
            .iter()
            .filter_map(|s| if let Shape::Polyline { points, .. } = s { Some(points) } else { None })
            .collect();
        assert_eq!(lines.len(), 1, "one line, through Q1 and Q2 only: {lines:?}");
        assert_eq!(lines[0].split(' ').count(), 2);
        let band = chart.shapes.iter().find_map(|s| match s {
            Shape::Rect { y, h, class, .. } => Some((y.0 + h.0, *class)),
            _ => None,
        });
        // no low end: the band reaches the x axis
        assert_eq!(band, Some((200.0 - 34.0, "band open")));
        assert_eq!(chart.shapes.iter().filter(|s| matches!(s, Shape::Circle { .. })).count(), 3);
    }

    #[test]
    fn nothing_to_draw_is_no_chart() {
        assert!(guided("c".to_owned(), &[], "", "").is_none());
        assert!(guided("c".to_owned(), &[period("Q1", None, None)], "", "").is_none());
    }
}
