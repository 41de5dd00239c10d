//! The message table: one [`Strings`] field per message the app shows, its name the Fluent
//! message id in `assets/i18n/*.ftl` (see `load` for reading them), and what is said about
//! pooling modes, layer types and a missing prediction in each language. The layer types'
//! messages are the ones the engine's table of layer kinds names ([`LayerType::display_id`]),
//! so a kind added there is a message here without a line of this file.

use super::fill::fill;
use crate::engine::LayerType;

/// Declares [`Strings`]: one field per message, its name the Fluent message id (an array
/// field `name[N]` reads `name-0` … `name-(N-1)`), and the layer types' names.
macro_rules! strings {
    ($( $(#[$doc:meta])* $name:ident $([$n:literal])? ,)*) => {
        pub struct Strings {
            $( $(#[$doc])* pub $name: strings!(@ty $($n)?), )*
            /// Each layer kind's name, in [`LayerType::ALL`] order: the message its row of the
            /// table names.
            layer_types: [&'static str; LayerType::ALL.len()],
        }

        impl Strings {
            /// Every message id a language file should have.
            #[allow(clippy::vec_init_then_push)]
            pub fn message_ids() -> Vec<String> {
                let mut ids = Vec::new();
                $( strings!(@ids ids, $name $($n)?); )*
                ids.extend(LayerType::ALL.iter().map(|t| t.display_id().to_string()));
                ids
            }

            pub(super) fn build(get: &mut dyn FnMut(&str) -> &'static str) -> Strings {
                Strings {
                    $( $name: strings!(@get get, $name $($n)?), )*
                    layer_types: std::array::from_fn(|i| get(LayerType::ALL[i].display_id())),
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
    /// A label and its value on one line (`Model: digits-max`), with the language's colon.
    label_value,
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
    key_toggle_lab,
    key_fullscreen,
    key_open_image,
    key_record,
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
    drop_hint_sound,
    open_sound,
    open_sound_tip,
    spectrogram_time,
    spectrogram_frequency,
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
    /// The receptive field's size in input pixels.
    field_size,
    conv_tip,
    /// "Try padding / stride": the row's label, its two fields, the way back, and the line
    /// that puts the formula beside the maps the engine made.
    conv_try,
    conv_try_tip,
    conv_try_padding,
    conv_try_stride,
    conv_try_reset,
    conv_try_result,
    conv_try_none,
    activation_tip,
    before_pooling,
    after_pooling,
    pool_tip,
    values,
    /// A stage's value count before and after pooling, and the change in percent.
    values_change,
    downstream,
    window_values,
    /// A window cell that lies in the padding (no value of the map).
    pad_cell,
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
    strip_overview,
    strip_overview_tip,
    adaptive_pool_tip,
    batch_norm_tip,
    layer_norm_tip,
    pick_channels_tip,
    pad_tip,
    resize_tip,
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
    record,
    record_tip,
    record_none,
    record_stop,
    record_stop_tip,
    record_elapsed,
    record_level_tip,
    record_length_tip,
    record_not_speech,
    record_save,
    record_save_tip,
    record_saved,
    record_name,
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
    tab_explorer_tip,
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
    notice_no_sample_models,
    dismiss,
    dismiss_tip,
    arith_title,
    arith_hint,
    arith_cell,
    arith_in_channel,
    arith_patch,
    /// An input cell that lies in the zero padding.
    pad_zero,
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
    examples_show,
    examples_show_tip,
    examples_title,
    examples_about,
    examples_channel,
    examples_channel_tip,
    examples_data,
    examples_data_tip,
    examples_unfit,
    examples_none,
    examples_loading,
    examples_progress,
    examples_cancel,
    examples_cancel_tip,
    examples_stopped,
    examples_again,
    examples_scanned,
    examples_item,
    examples_item_tip,
    examples_mode_examples,
    examples_mode_examples_tip,
    examples_mode_vis,
    examples_mode_vis_tip,
    vis_about,
    vis_progress,
    vis_first,
    vis_item,
    vis_item_tip,
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
    key_lessons,
    key_next_lesson_step,
    key_prev_lesson_step,
    keys_in_lesson,
    /// A step names a view of a stage the model lacks: the view, the model.
    lesson_no_view,
    lesson_reveal,
    lesson_reveal_tip,
    key_reveal_lesson_step,
    /// Before the reveal: the key that reveals.
    lesson_predict,
    lesson_evidence,
    lesson_verdict,
    /// Beside the right choice, after the reveal.
    lesson_right_answer,
    /// The picker's heading over the lessons that ship with the app.
    lesson_builtin,
    /// The picker's heading over the teacher's own lessons: their folder.
    lesson_yours,
    lesson_yours_none,
    /// Beside a lesson file that cannot be opened (its error follows).
    lesson_broken,
    lesson_look_again,
    lesson_look_again_tip,
    /// The printed handout: beside the blanks for the student's name and the date.
    handout_name,
    handout_date,
    /// Over the blank lines of an open question.
    handout_prediction,
    /// Under the title of the copy with the answers.
    handout_teacher_copy,
    /// Before the numbers a handout could not measure.
    handout_not_computed,
    handout_button,
    handout_button_tip,
    handout_answers_button,
    handout_answers_tip,
    /// While a handout is written: the step it is at.
    handout_writing,
    /// A handout written: its path.
    handout_written,
    /// A handout that could not be written: why.
    handout_failed,
    /// The input panel folded to a bar while a lesson step does not name it.
    input_unfold_tip,
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
    /// A picture set the open model cannot train on: the model, its input, the set's pictures.
    train_data_unfit,
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
    /// Spoken digits: the row that adds the synthetic voices, its checkbox and tooltip.
    train_voices,
    train_voices_add,
    train_voices_tip,
    /// Spoken digits: varying each recording every epoch, and what that does.
    vary_voice,
    vary_voice_tip,
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
    lesson_no_run,
    batch_curve,
    /// The solid curve: accuracy on the training digits as the epoch trained on them.
    train_acc_epoch,
    /// A finished run's accuracies measured once it is trained (dropout off, digits unshifted):
    /// `{1}` the numbers.
    after_training,
    kernels_title,
    maps_title,
    maps_input_tip,
    snapshot_step,
    snapshot_final,
    // Notices of one kind shown as one; a language the settings ask for and the app lacks.
    notice_language_file,
    notice_language_files,
    notice_unknown_language,
    notices_of_a_kind,
    // The key list in a teacher's words.
    key_open_group,
    key_close_group,
    key_cycle_pooling,
    // An empty canvas, and what the network reads of a recording.
    canvas_empty,
    canvas_empty_other,
    network_hears_tip,
    // An input unlike the pictures the network was trained on.
    unlike_short,
    unlike_heading,
    unlike_brightness,
    unlike_contrast,
    unlike_border,
    unlike_mid_tones,
    unlike_colourfulness,
    unlike_in_colour,
    unlike_size,
    unlike_lesson,
    // What the status bar and the input panel say while the lab shows a shifted input.
    prediction_shifted,
    network_sees_shifted,
    // The file browser: a typed path or name, and a recording's title.
    browse_file_name_tip,
    browse_no_such,
    browse_open_sound,
    // "Where it looked": the attribution view beside the stage view.
    explain_title,
    explain_tip,
    key_toggle_explain,
    explain_gradient,
    explain_gradient_tip,
    explain_gradxinput,
    explain_gradxinput_tip,
    explain_smoothgrad,
    explain_smoothgrad_tip,
    explain_gradcam,
    explain_gradcam_tip,
    explain_occlusion,
    explain_occlusion_tip,
    explain_class_predicted,
    explain_class_chosen,
    explain_predicted,
    explain_pick_hint,
    explain_over_input,
    explain_over_stage,
    explain_cam_selected,
    explain_cam_default,
    explain_cam_zero,
    explain_legend_signed,
    explain_legend_cam,
    explain_legend_occlusion,
    explain_blend,
    explain_blend_tip,
    explain_score,
    explain_running,
    explain_no_classes,
}

// every-model-answers: pooling modes, layer types and the missing prediction in each language.
impl Strings {
    /// `label: value` with this language's colon (`模型：digits-max`).
    pub fn labelled(&self, label: &str, value: &dyn std::fmt::Display) -> String {
        fill(self.label_value, &[&label, value])
    }

    /// A pooling mode's name in this language.
    pub fn pool_mode(&self, mode: crate::engine::PoolMode) -> &'static str {
        let i = crate::engine::PoolMode::ALL
            .iter()
            .position(|&m| m == mode)
            .unwrap_or(0);
        self.pool_modes[i]
    }

    /// A layer type's name in this language.
    pub fn layer_type(&self, kind: &crate::engine::LayerKind) -> &'static str {
        self.layer_types[kind.layer_type().index()]
    }

    /// Why there is no prediction: the network was cut before its dense layer, it ends in
    /// `scores` values that nothing says are classes (SqueezeNet's convolution and global
    /// pooling, without labels), or it has no classifier at all.
    pub fn no_prediction_for(&self, cut: bool, scores: Option<usize>) -> String {
        match (cut, scores) {
            (true, _) => self.no_prediction.to_string(),
            (false, Some(n)) => fill(
                self.no_classifier_scores,
                &[&crate::viz::number::grouped(n)],
            ),
            (false, None) => self.no_classifier.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::app::i18n::lang::Lang;

    #[test]
    fn no_prediction_says_why_and_how_many_values_there_are() {
        for lang in Lang::ALL {
            let s = lang.strings();
            assert_eq!(s.no_prediction_for(true, Some(1000)), s.no_prediction);
            assert_eq!(s.no_prediction_for(false, None), s.no_classifier);
            let scores = s.no_prediction_for(false, Some(1000));
            assert!(
                scores.contains("1,000") && !scores.contains('{'),
                "{scores}"
            );
        }
    }
}
