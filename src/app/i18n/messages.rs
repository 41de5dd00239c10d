//! Every string the app shows. The words live in one Fluent file per language
//! (`assets/i18n/en.ftl`, `zh.ftl`, compiled in; more can be dropped into the user's
//! `convscope/i18n/` folder, see docs/languages.md), so a language is added without touching
//! Rust. Rust names each message once, in the [`strings!`] list below; text with numbers has
//! Fluent variables `{ $v1 }`, `{ $v2 }`, … filled by [`fill`] in argument order.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::path::Path;
use std::sync::{LazyLock, OnceLock};

/// The languages compiled into the app: (code, Fluent source).
const BUILT_IN: [(&str, &str); 2] = [
    ("en", include_str!("../../../assets/i18n/en.ftl")),
    ("zh", include_str!("../../../assets/i18n/zh.ftl")),
];

/// A language the app can show, by its index among [`Lang::all`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Lang(u8);

#[allow(non_upper_case_globals)]
impl Lang {
    pub const En: Lang = Lang(0);
    pub const Zh: Lang = Lang(1);
    /// The languages compiled in.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// Every language: the compiled-in ones, then the user's extra files.
    pub fn all() -> Vec<Lang> {
        (0..languages().len()).map(|i| Lang(i as u8)).collect()
    }

    fn language(self) -> &'static Language {
        let all = languages();
        all.get(self.0 as usize).unwrap_or(&all[0])
    }

    /// The language's own name, for the switch (the file's `language_name`).
    pub fn native_name(self) -> &'static str {
        self.language().strings.language_name
    }

    /// The language's code (`en`, `zh`): the Fluent file's name, and the key of model files'
    /// `"translations"` and lesson files.
    pub fn code(self) -> &'static str {
        &self.language().code
    }

    /// The language with this code (English when there is none).
    pub fn from_code(code: &str) -> Lang {
        let all = languages();
        let i = all.iter().position(|l| l.code == code).unwrap_or(0);
        Lang(i as u8)
    }

    pub fn strings(self) -> &'static Strings {
        self.language().strings
    }
}

/// Stored by code, so settings keep meaning the same language when languages are added.
impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// Reads a code (`"zh"`) or the names older settings files used (`"En"`, `"Zh"`); a language
/// that is no longer there reads as English.
impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Ok(Lang::from_code(&code.to_lowercase()))
    }
}

/// One loaded language.
struct Language {
    code: String,
    strings: &'static Strings,
}

static LANGUAGES: OnceLock<Vec<Language>> = OnceLock::new();
/// What went wrong reading the user's language files (shown as notices).
static PROBLEMS: OnceLock<Vec<String>> = OnceLock::new();

fn languages() -> &'static [Language] {
    LANGUAGES.get_or_init(|| load_languages(None).0)
}

/// Adds the `*.ftl` files in `dir` (the user's `convscope/i18n/`) to the compiled-in
/// languages. Call before anything shows text; later calls do nothing. A file with a mistake
/// is left out and named in [`language_problems`].
pub fn install_user_languages(dir: &Path) {
    let (all, problems) = load_languages(Some(dir));
    let _ = LANGUAGES.set(all);
    let _ = PROBLEMS.set(problems);
}

/// Why a user's language file was left out, one line per file.
pub fn language_problems() -> &'static [String] {
    PROBLEMS.get().map_or(&[], Vec::as_slice)
}

fn load_languages(dir: Option<&Path>) -> (Vec<Language>, Vec<String>) {
    let english = parse_ftl(
        "en",
        BUILT_IN[0].1.to_string(),
        Path::new("assets/i18n/en.ftl"),
    )
    .expect("the compiled-in English texts parse (tested)");
    let leak = |s: Strings| -> &'static Strings { Box::leak(Box::new(s)) };
    let mut all = Vec::new();
    let mut problems = Vec::new();
    for (code, source) in BUILT_IN {
        let path = format!("assets/i18n/{code}.ftl");
        let bundle = if code == "en" {
            None
        } else {
            parse_ftl(code, source.to_string(), Path::new(&path)).ok()
        };
        let strings = build_strings(bundle.as_ref(), &english);
        all.push(Language {
            code: code.to_string(),
            strings: leak(strings),
        });
    }
    let mut files: Vec<_> = dir
        .and_then(|d| std::fs::read_dir(d).ok())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .collect();
    files.sort();
    for path in files {
        let Some(code) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
            continue;
        };
        if all.iter().any(|l: &Language| l.code == code) || all.len() >= u8::MAX as usize {
            continue;
        }
        let text = crate::io::error::read_limited(&path, 1 << 20)
            .map_err(|e| e.to_string())
            .and_then(|b| {
                String::from_utf8(b).map_err(|_| format!("{}: is not UTF-8 text", path.display()))
            });
        match text.and_then(|t| parse_ftl(&code, t, &path)) {
            Ok(bundle) => {
                let strings = build_strings(Some(&bundle), &english);
                all.push(Language {
                    code,
                    strings: leak(strings),
                });
            }
            Err(e) => problems.push(e),
        }
    }
    (all, problems)
}

type Bundle = FluentBundle<FluentResource>;

/// Reads one Fluent file; `path` only names it in errors.
fn parse_ftl(code: &str, source: String, path: &Path) -> Result<Bundle, String> {
    let file = path.display();
    let lang: unic_langid::LanguageIdentifier = code
        .parse()
        .map_err(|_| format!("{file}: \"{code}\" is not a language code (fr, de, ja, …)"))?;
    let resource = FluentResource::try_new(source).map_err(|(r, errors)| {
        let at = errors[0].pos.start.min(r.source().trim_end().len());
        let line = crate::lesson::file::line_of(r.source(), at);
        format!("{file}, line {line}: {}", errors[0].kind)
    })?;
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .map_err(|errors| format!("{file}: {}", errors[0]))?;
    Ok(bundle)
}

/// Message `id` as a [`fill`] template: `{ $v2 }` becomes `{2}`.
fn template(bundle: &Bundle, id: &str) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut args = FluentArgs::new();
    for i in 1..=9 {
        args.set(format!("v{i}"), format!("{{{i}}}"));
    }
    let mut errors = Vec::new();
    Some(
        bundle
            .format_pattern(pattern, Some(&args), &mut errors)
            .into_owned(),
    )
}

/// Every message from `bundle`, English for any it lacks.
fn build_strings(bundle: Option<&Bundle>, english: &Bundle) -> Strings {
    Strings::build(&mut |id| {
        let text = bundle
            .and_then(|b| template(b, id))
            .or_else(|| template(english, id))
            .unwrap_or_else(|| id.to_string());
        Box::leak(text.into_boxed_str())
    })
}

/// The English strings (tests compare what the app shows with them).
pub static EN: LazyLock<&'static Strings> = LazyLock::new(|| Lang::En.strings());
/// The 简体中文 strings.
pub static ZH: LazyLock<&'static Strings> = LazyLock::new(|| Lang::Zh.strings());

/// Replaces `{1}`, `{2}`, … in `template` with that argument, and each `{}` with the next one.
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut next = 0;
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let index = if after[digits..].starts_with('}') {
            if digits == 0 {
                next += 1;
                Some(next - 1)
            } else {
                after[..digits]
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
            }
        } else {
            None
        };
        match index.and_then(|n| args.get(n)) {
            Some(a) => {
                out.push_str(&a.to_string());
                rest = &after[digits + 1..];
            }
            None if index.is_some() => {
                out.push_str(&rest[i..i + digits + 2]);
                rest = &after[digits + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Declares [`Strings`]: one field per message, its name the Fluent message id (an array
/// field `name[N]` reads `name-0` … `name-(N-1)`).
macro_rules! strings {
    ($( $(#[$doc:meta])* $name:ident $([$n:literal])? ,)*) => {
        pub struct Strings {
            $( $(#[$doc])* pub $name: strings!(@ty $($n)?), )*
        }

        impl Strings {
            /// Every message id a language file should have.
            #[allow(clippy::vec_init_then_push)]
            pub fn message_ids() -> Vec<String> {
                let mut ids = Vec::new();
                $( strings!(@ids ids, $name $($n)?); )*
                ids
            }

            fn build(get: &mut dyn FnMut(&str) -> &'static str) -> Strings {
                Strings {
                    $( $name: strings!(@get get, $name $($n)?), )*
                }
            }
        }
    };
    (@ty) => { &'static str };
    (@ty $n:literal) => { [&'static str; $n] };
    (@ids $ids:ident, $name:ident) => { $ids.push(stringify!($name).to_string()) };
    (@ids $ids:ident, $name:ident $n:literal) => {
        for i in 0..$n { $ids.push(format!("{}-{}", stringify!($name), i)); }
    };
    (@get $get:ident, $name:ident) => { $get(stringify!($name)) };
    (@get $get:ident, $name:ident $n:literal) => {{
        let mut out = [""; $n];
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = $get(&format!("{}-{}", stringify!($name), i));
        }
        out
    }};
}

strings! {
    /// The language's own name, for the language switch.
    language_name,
    app_title,
    model,
    open_model,
    open_image,
    open_image_tip,
    pooling,
    pooling_tip,
    window,
    window_as_trained,
    window_tip,
    load_twin,
    twin_tip,
    trained_other_mode,
    play,
    stop,
    play_tip,
    language,
    dark,
    light,
    presentation,
    presentation_tip,
    keys,
    keys_tip,
    keys_title,
    keys_anywhere,
    keys_in_lab,
    key_next_stage,
    key_prev_stage,
    key_first_stage,
    key_last_stage,
    key_cycle_pool,
    key_toggle_lab,
    key_fullscreen,
    key_open_image,
    key_nudge,
    key_cancel_sweep,
    key_zoom,
    key_help,
    input_settings_menu,
    input_settings_title,
    input_settings_intro,
    input_per_channel,
    input_mean,
    input_std,
    input_size,
    input_size_hint,
    input_order,
    input_order_hint,
    input_labels,
    input_labels_count,
    input_labels_file,
    input_labels_hint,
    input_apply,
    input_apply_tip,
    input_reset,
    input_reset_tip,
    input_applied,
    input_err_numbers,
    input_err_count,
    input_err_std,
    input_err_labels,
    input_err_size,
    notice_input_settings,
    browse_open_labels,
    key_input_settings,
    no_labels_hint,
    export_png,
    export_tip,
    browse_open_image,
    browse_open_model,
    browse_export,
    browse_up,
    browse_up_tip,
    browse_open,
    browse_save,
    browse_cancel,
    browse_file_name,
    browse_empty,
    browse_no_system_dialog,
    browse_unreadable,
    saved,
    loading,
    running_network,
    input,
    input_stage,
    samples,
    draw,
    draw_tip,
    brush,
    canvas_label,
    clear,
    original,
    network_sees,
    network_sees_tip,
    drop_hint,
    prediction,
    no_prediction,
    params,
    conv_summary,
    dense_summary,
    param_share,
    thumb_tip,
    shared_scale,
    shared_scale_tip,
    kernels,
    kernels_tip,
    output_maps,
    output_maps_tip,
    hover_value,
    receptive_field,
    conv_tip,
    activation_tip,
    before_pooling,
    after_pooling,
    pool_tip,
    values,
    downstream,
    window_values,
    max_marked,
    mean_is,
    blurmax_note,
    sweep_window,
    hover_pooled,
    gap_tip,
    gmp_tip,
    merge_add_tip,
    merge_concat_tip,
    merge_mul_tip,
    merge_reads,
    merge_add_cell,
    merge_hover_hint,
    block_kind,
    block_open_tip,
    block_close_tip,
    block_skip_tip,
    key_open_block,
    key_close_block,
    adaptive_pool_tip,
    batch_norm_tip,
    flatten_tip,
    flattened,
    channel,
    dense_tip,
    templates,
    templates_tip,
    templates_top,
    logits,
    probabilities,
    probabilities_tip,
    noise,
    noise_tip,
    noise_kinds[3],
    noise_level,
    noise_level_tip,
    noise_seed,
    noise_seed_tip,
    noise_on_pixels,
    noise_on_waveform,
    audio_summary,
    audio_mixed,
    audio_play,
    audio_play_tip,
    audio_no_player,
    audio_seconds,
    audio_amplitude,
    audio_reads,
    audio_hz_mel,
    audio_log_mel,
    noise_clean,
    key_cycle_noise,
    dropout,
    dropout_rate,
    resample_mask,
    dropout_note,
    dropout_none,
    dropped,
    history,
    compare_with,
    compare_none,
    compare_tip,
    train_acc,
    test_acc,
    validation_acc,
    epoch,
    softmax_tip,
    cut_short,
    legend,
    tab_explorer,
    tab_lab,
    tab_lab_tip,
    shift_tip,
    fill,
    fill_tip,
    fill_zero,
    fill_edge,
    fill_wrap,
    lab_stage,
    lab_caption,
    lab_original,
    lab_shifted,
    lab_difference,
    lab_aligned,
    lab_aligned_unavailable,
    lab_aligned_vector,
    lab_aligned_none,
    lab_channels_shown,
    lab_scale,
    col_stage,
    col_stride,
    col_same,
    col_aligned,
    lab_table_tip,
    lab_prediction,
    sweep_heading,
    sweep_axis,
    axis_both,
    compare_modes,
    compare_modes_tip,
    run_sweep,
    sweep_tip,
    stop_sweep,
    stop_sweep_tip,
    sweep_hint,
    sweep_shift,
    /// For audio models: the lab's x axis is time and its y axis frequency.
    axis_time,
    axis_frequency,
    sweep_shift_audio,
    sweep_distance,
    sweep_similarity,
    sweep_probability,
    sweep_changes,
    sweep_note,
    sweep_stale,
    sweep_modes_note,
    heat_heading,
    heat_note,
    no_classifier,
    no_classifier_scores,
    /// Pooling modes by name, in `PoolMode::ALL` order (max, average, blur-max).
    pool_modes[3],
    /// Layer types by name, in the order of [`LAYER_TYPES`].
    layer_types[11],
    mnist_style,
    mnist_style_tip,
    network_sees_centred,
    lab_identical,
    lab_max_diff,
    train_loss,
    test_loss,
    accuracy,
    loss,
    history_zoomed,
    history_full,
    history_zoom_tip,
    hidden_units,
    hidden_units_tip,
    unit_templates,
    unit_templates_tip,
    unit_name,
    unit_value,
    unit_dropped,
    units_grid,
    units_grid_dropped,
    sweep_changes_band,
    notice_settings,
    notice_settings_save,
    notice_model,
    notice_requested_model,
    notice_image,
    notice_requested_image,
    notice_builtin,
    dismiss,
    dismiss_tip,
    arith_title,
    arith_hint,
    arith_cell,
    arith_in_channel,
    arith_patch,
    arith_kernel,
    arith_products,
    arith_channel_sums,
    arith_total,
    arith_after,
    arith_animate,
    arith_stop,
    arith_animate_tip,
    arith_speed,
    arith_unit,
    arith_dense_sum,
    arith_top,
    arith_input,
    arith_weight,
    arith_rest,
    arith_show,
    arith_show_tip,
    key_step_cell,
    key_step_channel,
    lessons,
    lessons_tip,
    lesson_step,
    lesson_prev,
    lesson_next,
    lesson_keys_tip,
    lesson_reset,
    lesson_reset_tip,
    lesson_close,
    lesson_measuring,
    lesson_unknown,
    lesson_no_model,
    lesson_no_stage,
    lesson_pick,
    lesson_own,
    key_lessons,
    key_next_lesson_step,
    key_prev_lesson_step,
    keys_in_lesson,
    tab_train,
    tab_train_tip,
    train_arch,
    train_arch_current,
    train_arch_tip,
    train_data,
    data_mnist,
    data_fashion,
    data_shapes,
    data_speech,
    data_speech_tip,
    train_images,
    train_images_tip,
    train_epochs,
    learning_rate,
    train_batch,
    train_seed,
    as_arch,
    train_pool,
    weight_decay,
    augment,
    aug_shift,
    aug_noise,
    train_start,
    train_pause,
    train_resume,
    train_stop,
    save_run,
    open_run,
    follow,
    follow_tip,
    clear_runs,
    run_preparing,
    run_progress,
    run_paused,
    run_finished,
    run_stopped,
    run_failed,
    no_run,
    batch_curve,
    kernels_title,
    maps_title,
    snapshot_step,
    snapshot_final,
}

// every-model-answers: pooling modes, layer types and the missing prediction in each language.
/// The `type` names of the model format, in the order of [`Strings::layer_types`].
pub const LAYER_TYPES: [&str; 11] = [
    "conv2d",
    "relu",
    "leaky_relu",
    "sigmoid",
    "tanh",
    "pool2d",
    "global_avg_pool",
    "flatten",
    "dense",
    "dropout",
    "softmax",
];

impl Strings {
    /// A pooling mode's name in this language.
    pub fn pool_mode(&self, mode: crate::engine::PoolMode) -> &'static str {
        let i = crate::engine::PoolMode::ALL
            .iter()
            .position(|&m| m == mode)
            .unwrap_or(0);
        self.pool_modes[i]
    }

    /// A layer type's name in this language (the format's own name when it has none).
    pub fn layer_type(&self, kind: &crate::engine::LayerKind) -> &'static str {
        let name = kind.type_name();
        LAYER_TYPES
            .iter()
            .position(|&t| t == name)
            .map_or(name, |i| self.layer_types[i])
    }

    /// Why there is no prediction: the network was cut before its dense layer, it ends in
    /// `scores` values that nothing says are classes (SqueezeNet's convolution and global
    /// pooling, without labels), or it has no classifier at all.
    pub fn no_prediction_for(&self, cut: bool, scores: Option<usize>) -> String {
        match (cut, scores) {
            (true, _) => self.no_prediction.to_string(),
            (false, Some(n)) => fill(self.no_classifier_scores, &[&n]),
            (false, None) => self.no_classifier.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_prediction_says_why_and_how_many_values_there_are() {
        for lang in Lang::ALL {
            let s = lang.strings();
            assert_eq!(s.no_prediction_for(true, Some(1000)), s.no_prediction);
            assert_eq!(s.no_prediction_for(false, None), s.no_classifier);
            let scores = s.no_prediction_for(false, Some(1000));
            assert!(scores.contains("1000") && !scores.contains('{'), "{scores}");
        }
    }

    #[test]
    fn fill_replaces_in_order_or_by_number_and_keeps_other_braces() {
        assert_eq!(fill("{} of {}", &[&3, &"x"]), "3 of x");
        assert_eq!(fill("{} and {}", &[&1]), "1 and {}");
        assert_eq!(fill("none", &[&1]), "none");
        assert_eq!(fill("{2} 的 {1}", &[&"a", &"b"]), "b 的 a");
        assert_eq!(fill("{x} {3} {", &[&1]), "{x} {3} {");
    }

    /// The message ids and the `{N}` numbers of every message in a Fluent source.
    fn messages(code: &str, source: &str) -> Vec<(String, Vec<String>)> {
        let bundle = parse_ftl(code, source.to_string(), Path::new("x.ftl")).unwrap();
        let resource = FluentResource::try_new(source.to_string()).unwrap();
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .map(|id| {
                let t = template(&bundle, &id).unwrap_or_default();
                let mut numbers: Vec<String> = (1..=9)
                    .map(|i| format!("{{{i}}}"))
                    .filter(|n| t.contains(n.as_str()))
                    .collect();
                numbers.sort();
                (id, numbers)
            })
            .collect()
    }

    #[test]
    fn every_language_has_every_message_with_the_same_numbers() {
        let ids = Strings::message_ids();
        let english = messages("en", BUILT_IN[0].1);
        for (code, source) in BUILT_IN {
            let theirs = messages(code, source);
            for id in &ids {
                let mine = theirs.iter().find(|(i, _)| i == id);
                let reference = english.iter().find(|(i, _)| i == id);
                assert!(mine.is_some(), "{code}.ftl has no message {id}");
                assert_eq!(
                    mine.map(|m| &m.1),
                    reference.map(|m| &m.1),
                    "{code}.ftl: {id} must use the same {{ $vN }} as en.ftl"
                );
            }
            for (id, _) in &theirs {
                assert!(
                    ids.contains(id) || id == "language_name",
                    "{code}.ftl: {id} is not used by the app"
                );
            }
        }
    }

    #[test]
    fn the_built_in_languages_load() {
        assert_eq!(Lang::En.code(), "en");
        assert_eq!(Lang::Zh.code(), "zh");
        assert_eq!(Lang::En.native_name(), "English");
        assert_eq!(Lang::Zh.native_name(), "简体中文");
        assert_eq!(EN.play, "▶ Play");
        assert_eq!(ZH.play, "▶ 播放");
        assert_eq!(fill(EN.pooling, &[&"max"]), "Pooling: max");
        assert_eq!(Lang::from_code("zh"), Lang::Zh);
        assert_eq!(Lang::from_code("xx"), Lang::En);
    }

    #[test]
    fn a_users_language_file_is_added_and_falls_back_to_english() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("fr.ftl"),
            "language_name = Français\nplay = ▶ Lecture\npooling = Sous-échantillonnage : { $v1 }\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("de.ftl"),
            "language_name = Deutsch\nplay = { $v1\n",
        )
        .unwrap();
        let (all, problems) = load_languages(Some(dir.path()));
        assert_eq!(all.len(), 3);
        let fr = &all[2];
        assert_eq!(fr.code, "fr");
        assert_eq!(fr.strings.language_name, "Français");
        assert_eq!(fr.strings.play, "▶ Lecture");
        assert_eq!(
            fill(fr.strings.pooling, &[&"max"]),
            "Sous-échantillonnage : max"
        );
        // What the file leaves out is English.
        assert_eq!(fr.strings.open_image, EN.open_image);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("de.ftl, line 2"), "{problems:?}");
    }

    #[test]
    fn settings_keep_the_language_by_code_and_read_old_names() {
        assert_eq!(serde_json::to_string(&Lang::Zh).unwrap(), "\"zh\"");
        for old in ["\"Zh\"", "\"zh\""] {
            assert_eq!(serde_json::from_str::<Lang>(old).unwrap(), Lang::Zh);
        }
        assert_eq!(
            serde_json::from_str::<Lang>("\"klingon\"").unwrap(),
            Lang::En
        );
    }
}
