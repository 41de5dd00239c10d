//! `convscope eval`: a model's accuracy on a data set's test split, and its confusion matrix.

use super::model_args::ModelArgs;
use super::values;
use crate::data;
use crate::engine::train::{Examples, evaluate};
use anyhow::{Result, bail};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub model: ModelArgs,
    /// The data set whose test split is used: mnist:DIR, fashion:DIR, shapes, shapes:N,
    /// fsdd:DIR or fsdd@SPEAKER:DIR.
    #[arg(long, value_parser = values::parse_data)]
    pub data: data::DataSpec,
    /// Evaluate on the training split instead.
    #[arg(long)]
    pub train_split: bool,
}

/// `counts[true][predicted]`.
pub(crate) fn confusion(
    labels: &[usize],
    predictions: &[usize],
    classes: usize,
) -> Vec<Vec<usize>> {
    let mut counts = vec![vec![0; classes]; classes];
    for (&l, &p) in labels.iter().zip(predictions) {
        if l < classes && p < classes {
            counts[l][p] += 1;
        }
    }
    counts
}

/// The matrix as text: one row per true class, one column per prediction.
pub(crate) fn confusion_table(counts: &[Vec<usize>], names: &[String]) -> String {
    let width = names
        .iter()
        .map(|n| n.len())
        .chain(counts.iter().flatten().map(|c| c.to_string().len()))
        .max()
        .unwrap_or(1)
        .max(4);
    let label_width = names.iter().map(|n| n.len()).max().unwrap_or(1).max(10);
    let mut out = format!("{:>label_width$} ", "true \\ got");
    for n in names {
        out += &format!(" {n:>width$}");
    }
    out.push('\n');
    for (name, row) in names.iter().zip(counts) {
        out += &format!("{name:>label_width$} ");
        for c in row {
            out += &format!(" {c:>width$}");
        }
        out.push('\n');
    }
    out
}

pub(crate) fn run(args: Args) -> Result<()> {
    let model = args.model.load()?;
    let split = data::load_for(&args.data, &model)?;
    let set = if args.train_split {
        split.train
    } else {
        split.test
    };
    if !model.ends_in_classes() {
        bail!(
            "{}: the model has no classifier (it ends in {}, not one score per class)",
            args.model.path.display(),
            model.output_shape()
        );
    }
    let classes = model.output_shape().len();
    if set.class_names().len() != classes {
        bail!(
            "{}: the model has {classes} outputs but {} has {} classes",
            args.model.path.display(),
            args.data,
            set.class_names().len()
        );
    }
    let inputs = set.network_inputs(&model.input)?;
    let labels = set.labels();
    let (accuracy, predictions) = evaluate(
        &model,
        Examples {
            inputs: &inputs,
            labels: &labels,
        },
    )?;
    let names: Vec<String> = (0..classes).map(|i| model.label(i)).collect();
    outln!(
        "{}: accuracy {:.2}% ({} of {} images of {})",
        args.model.path.display(),
        accuracy * 100.0,
        (accuracy * set.len() as f32).round() as usize,
        set.len(),
        set.name
    );
    outln!();
    out!(
        "{}",
        confusion_table(&confusion(&labels, &predictions, classes), &names)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_counts_by_hand() {
        // true 0 0 1 1 1 ; predicted 0 1 1 1 0 -> [[1,1],[1,2]]
        let m = confusion(&[0, 0, 1, 1, 1], &[0, 1, 1, 1, 0], 2);
        assert_eq!(m, vec![vec![1, 1], vec![1, 2]]);
        let t = confusion_table(&m, &["a".into(), "b".into()]);
        assert!(
            t.lines().nth(2).unwrap().trim_end().ends_with("1    2"),
            "{t}"
        );
    }
}
