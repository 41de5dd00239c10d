//! The views a lesson step talks about (`show = ["pool1.maps", "evidence"]`), by name. The app
//! keeps each named view wholly on screen at a readable size while the step is shown (the
//! layout contract, see docs/lessons.md); a name is checked when the lesson loads (its kind)
//! and when the step is set up (its stage).

use std::fmt;
use std::str::FromStr;

/// One part of a stage's view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StagePart {
    /// A conv, activation, pooling or merge stage's maps (for a pooling stage: before and
    /// after); `input.maps` is the input stage's.
    Maps,
    /// A convolution's kernels.
    Kernels,
    /// A dense layer's weights laid back over the maps, one image per class or unit.
    Weights,
    /// Logits and probabilities.
    Bars,
}

impl StagePart {
    const ALL: [StagePart; 4] = [
        StagePart::Maps,
        StagePart::Kernels,
        StagePart::Weights,
        StagePart::Bars,
    ];

    fn name(self) -> &'static str {
        match self {
            StagePart::Maps => "maps",
            StagePart::Kernels => "kernels",
            StagePart::Weights => "weights",
            StagePart::Bars => "bars",
        }
    }
}

/// A view that can be named in a step's `show` list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ViewId {
    /// The stage strip along the top.
    Strip,
    /// The input panel (the picture and what the network sees).
    Input,
    /// The lesson panel's text: title, question, choices, prose, table and verdict. Always
    /// kept in view while a lesson is open; naming it changes nothing.
    Lesson,
    /// The lesson's evidence table.
    Evidence,
    /// The convolution (or dense) arithmetic panel.
    Arithmetic,
    /// The learning curves (the accuracy chart).
    History,
    LabMaps,
    LabTable,
    /// The translation lab's sweep chart.
    LabSweep,
    /// A dropout layer's grid of units, the dropped ones crossed out.
    Dropout,
    /// The Train tab's accuracy curves with their legend (each run's settings and final
    /// numbers).
    Train,
    /// "Where it looked": the attribution map over the input with its colour scale.
    Explain,
    /// Part of stage `STAGE`'s view (`pool1.maps`), STAGE a layer name or `input`.
    Stage(String, StagePart),
}

/// The names that are not a stage's part, in the order the docs list them.
const PLAIN: [(&str, ViewId); 12] = [
    ("strip", ViewId::Strip),
    ("input", ViewId::Input),
    ("lesson", ViewId::Lesson),
    ("evidence", ViewId::Evidence),
    ("arithmetic", ViewId::Arithmetic),
    ("history", ViewId::History),
    ("lab.maps", ViewId::LabMaps),
    ("lab.table", ViewId::LabTable),
    ("lab.sweep", ViewId::LabSweep),
    ("dropout", ViewId::Dropout),
    ("train", ViewId::Train),
    ("explain", ViewId::Explain),
];

impl ViewId {
    /// A stage's part.
    pub fn stage(stage: &str, part: StagePart) -> ViewId {
        ViewId::Stage(stage.to_string(), part)
    }

    /// The stage this view belongs to, for a stage's part.
    pub fn stage_name(&self) -> Option<&str> {
        match self {
            ViewId::Stage(s, _) => Some(s),
            _ => None,
        }
    }

    /// Every name a `show` list accepts, STAGE standing for a layer name.
    pub fn kinds() -> Vec<String> {
        PLAIN
            .iter()
            .map(|(n, _)| n.to_string())
            .chain(StagePart::ALL.iter().map(|p| format!("STAGE.{}", p.name())))
            .collect()
    }
}

impl fmt::Display for ViewId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let ViewId::Stage(stage, part) = self {
            return write!(f, "{stage}.{}", part.name());
        }
        let name = PLAIN
            .iter()
            .find(|(_, v)| v == self)
            .map_or("?", |(n, _)| n);
        f.write_str(name)
    }
}

impl FromStr for ViewId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some((_, v)) = PLAIN.iter().find(|(n, _)| *n == s) {
            return Ok(v.clone());
        }
        let unknown = || {
            format!(
                "unknown view \"{s}\" in show: the views are {}",
                ViewId::kinds().join(", ")
            )
        };
        let (stage, part) = s.rsplit_once('.').ok_or_else(unknown)?;
        let part = StagePart::ALL
            .into_iter()
            .find(|p| p.name() == part)
            .ok_or_else(unknown)?;
        if stage.is_empty() || stage == "lab" {
            return Err(unknown());
        }
        Ok(ViewId::Stage(stage.to_string(), part))
    }
}

impl<'de> serde::Deserialize<'de> for ViewId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_and_print_back() {
        for name in [
            "strip",
            "input",
            "evidence",
            "arithmetic",
            "history",
            "lab.maps",
            "lab.table",
            "lab.sweep",
            "dropout",
            "train",
            "explain",
            "pool1.maps",
            "conv1.kernels",
            "fc.weights",
            "softmax.bars",
            "input.maps",
            // A layer name with dots in it (an exporter's module path).
            "/layer1/conv.0.maps",
        ] {
            let id: ViewId = name.parse().unwrap();
            assert_eq!(id.to_string(), name);
        }
        assert_eq!(
            "pool1.maps".parse::<ViewId>().unwrap(),
            ViewId::stage("pool1", StagePart::Maps)
        );
    }

    #[test]
    fn an_unknown_name_lists_the_kinds() {
        for bad in ["pool1.mapz", "maps", ".maps", "lab.bars", "sweep"] {
            let err = bad.parse::<ViewId>().unwrap_err();
            assert!(err.contains(bad) && err.contains("STAGE.maps"), "{err}");
            assert!(err.contains("lab.sweep"), "{err}");
        }
    }
}
