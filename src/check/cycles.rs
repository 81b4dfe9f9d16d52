//! Cycles among cells: `let a = b + 1` with `let b = a * 2` can never be computed.

use crate::diag::Diag;

use super::program::{CKind, CellId, Program};
use super::walk;

/// Finds every cycle among cells, each reported once with the path around it.
pub fn find(program: &Program) -> Vec<Diag> {
    let uses: Vec<Vec<(CellId, crate::source::Span)>> = program
        .cells
        .iter()
        .map(|c| {
            let mut refs = Vec::new();
            walk(&c.body, &mut |e| {
                if let CKind::Cell(id) = e.kind {
                    refs.push((id, e.span));
                }
            });
            refs
        })
        .collect();
    let mut state = vec![0u8; uses.len()];
    let mut errors = Vec::new();
    for start in 0..uses.len() {
        let mut path = Vec::new();
        visit(start, &uses, &mut state, &mut path, &mut |cycle| errors.push(report(program, &uses, cycle)));
    }
    errors
}

/// Depth-first search; `state` is 0 unseen, 1 on the path, 2 done.
fn visit(
    cell: CellId,
    uses: &[Vec<(CellId, crate::source::Span)>],
    state: &mut [u8],
    path: &mut Vec<CellId>,
    found: &mut impl FnMut(&[CellId]),
) {
    match state[cell] {
        2 => return,
        1 => {
            if let Some(at) = path.iter().position(|&c| c == cell) {
                found(&path[at..]);
            }
            return;
        }
        _ => {}
    }
    state[cell] = 1;
    path.push(cell);
    for &(next, _) in &uses[cell] {
        visit(next, uses, state, path, found);
    }
    path.pop();
    state[cell] = 2;
}

/// The diagnostic for one cycle: each cell's use of the next is labelled.
fn report(program: &Program, uses: &[Vec<(CellId, crate::source::Span)>], cycle: &[CellId]) -> Diag {
    let names: Vec<String> =
        cycle.iter().chain(cycle.first()).map(|&c| format!("`{}`", program.cells[c].name)).collect();
    let link = |i: usize| {
        let (from, to) = (cycle[i], cycle[(i + 1) % cycle.len()]);
        let span = uses[from].iter().find(|(c, _)| *c == to).map_or(program.cells[from].name_span, |(_, s)| *s);
        (
            program.cells[from].file,
            span,
            format!("`{}` uses `{}` here", program.cells[from].name, program.cells[to].name),
        )
    };
    let (file, span, text) = link(0);
    let mut diag = Diag::error("cycle", format!("cells form a cycle: {}", names.join(" → ")))
        .in_file(file)
        .primary(span, text)
        .with_help("a cell cannot depend on itself, directly or through others");
    for i in 1..cycle.len() {
        let (file, span, text) = link(i);
        let same_file = diag.file == Some(file);
        if same_file {
            diag = diag.label(span, text);
        } else {
            diag = diag.with_related(Diag::error("cycle", text.clone()).in_file(file).primary(span, text));
        }
    }
    diag
}
