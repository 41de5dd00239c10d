//! Every string the app shows, in one table per language. Text with numbers uses `{}`
//! placeholders filled in order by [`fill`].

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The language's own name, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }
}

/// Replaces each `{}` in `template` with the next argument.
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut args = args.iter();
    let mut rest = template;
    while let Some(i) = rest.find("{}") {
        out.push_str(&rest[..i]);
        match args.next() {
            Some(a) => out.push_str(&a.to_string()),
            None => out.push_str("{}"),
        }
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

pub struct Strings {
    pub app_title: &'static str,
    pub model: &'static str,
    pub open_model: &'static str,
    pub open_image: &'static str,
    pub open_image_tip: &'static str,
    pub pooling: &'static str,
    pub pooling_tip: &'static str,
    pub window: &'static str,
    pub window_as_trained: &'static str,
    pub window_tip: &'static str,
    pub load_twin: &'static str,
    pub twin_tip: &'static str,
    pub trained_other_mode: &'static str,
    pub play: &'static str,
    pub stop: &'static str,
    pub play_tip: &'static str,
    pub language: &'static str,
    pub dark: &'static str,
    pub light: &'static str,
    pub presentation: &'static str,
    pub presentation_tip: &'static str,
    pub export_png: &'static str,
    pub export_tip: &'static str,
    pub saved: &'static str,
    pub loading: &'static str,
    pub input: &'static str,
    pub input_stage: &'static str,
    pub samples: &'static str,
    pub draw: &'static str,
    pub draw_tip: &'static str,
    pub brush: &'static str,
    pub canvas_label: &'static str,
    pub clear: &'static str,
    pub original: &'static str,
    pub network_sees: &'static str,
    pub network_sees_tip: &'static str,
    pub drop_hint: &'static str,
    pub prediction: &'static str,
    pub no_prediction: &'static str,
    pub params: &'static str,
    pub shared_scale: &'static str,
    pub shared_scale_tip: &'static str,
    pub kernels: &'static str,
    pub kernels_tip: &'static str,
    pub output_maps: &'static str,
    pub output_maps_tip: &'static str,
    pub hover_value: &'static str,
    pub receptive_field: &'static str,
    pub conv_tip: &'static str,
    pub activation_tip: &'static str,
    pub before_pooling: &'static str,
    pub after_pooling: &'static str,
    pub pool_tip: &'static str,
    pub values: &'static str,
    pub downstream: &'static str,
    pub window_values: &'static str,
    pub max_marked: &'static str,
    pub mean_is: &'static str,
    pub blurmax_note: &'static str,
    pub sweep_window: &'static str,
    pub hover_pooled: &'static str,
    pub gap_tip: &'static str,
    pub flatten_tip: &'static str,
    pub flattened: &'static str,
    pub channel: &'static str,
    pub dense_tip: &'static str,
    pub templates: &'static str,
    pub templates_tip: &'static str,
    pub logits: &'static str,
    pub probabilities: &'static str,
    pub probabilities_tip: &'static str,
    pub dropout: &'static str,
    pub dropout_rate: &'static str,
    pub resample_mask: &'static str,
    pub dropout_note: &'static str,
    pub dropout_none: &'static str,
    pub dropped: &'static str,
    pub history: &'static str,
    pub train_acc: &'static str,
    pub test_acc: &'static str,
    pub epoch: &'static str,
    pub softmax_tip: &'static str,
    pub cut_short: &'static str,
    pub legend: &'static str,
}

pub static EN: Strings = Strings {
    app_title: "convscope",
    model: "Model",
    open_model: "Open model file…",
    open_image: "Open image…",
    open_image_tip: "Open a picture (Ctrl+O), or drop one on the window.",
    pooling: "Pooling: {}",
    pooling_tip: "Switch every pooling layer between max, average and blur-max (key M). Max keeps the strongest response in each window; average keeps their mean.",
    window: "Window",
    window_as_trained: "as trained",
    window_tip: "Pooling kernel size / stride. A larger stride shrinks the maps more.",
    load_twin: "Load {} weights",
    twin_tip: "Load the twin model that was trained with this pooling mode.",
    trained_other_mode: "These weights were trained with {} pooling: the numbers are real, but the network never learned to work with {}.",
    play: "▶ Play",
    stop: "⏹ Stop",
    play_tip: "Step through the stages by itself, for a lecture.",
    language: "Language",
    dark: "Dark",
    light: "Light",
    presentation: "Presentation",
    presentation_tip: "Enlarge the whole UI for a projector (Ctrl+/Ctrl- to zoom, F11 full screen).",
    export_png: "Export PNG…",
    export_tip: "Save this stage's maps as a PNG for slides.",
    saved: "Saved {}",
    loading: "Loading…",
    input: "Input",
    input_stage: "Input",
    samples: "Samples",
    draw: "Draw",
    draw_tip: "Draw a digit with the mouse: the network reads it while you draw.",
    brush: "Brush",
    canvas_label: "Drawing canvas",
    clear: "Clear",
    original: "Original",
    network_sees: "What the network sees",
    network_sees_tip: "The picture cropped, resized to the model's input size, made grey or kept RGB, then normalised with the model's mean and standard deviation.",
    drop_hint: "Drop an image or model file here.",
    prediction: "Prediction: {} ({}%)",
    no_prediction: "No prediction: the network was cut before its dense layer.",
    params: "{} params",
    shared_scale: "Shared scale",
    shared_scale_tip: "One colour scale for all channels (compare them), or one per channel (see each one's pattern).",
    kernels: "Kernels",
    kernels_tip: "One row per output channel, one tile per input channel. Blue is negative, red positive: each kernel is a small pattern the layer looks for.",
    output_maps: "Output maps",
    output_maps_tip: "One map per output channel: where in the picture the kernel's pattern was found.",
    hover_value: "channel {}, row {}, column {}: {}",
    receptive_field: "Receptive field on the input",
    conv_tip: "A convolution slides each kernel over the input and writes the dot product at every position.",
    activation_tip: "The activation is applied to every value on its own; ReLU sets negatives to zero.",
    before_pooling: "Before pooling",
    after_pooling: "After pooling",
    pool_tip: "Pooling summarises each window of a map by one number, so the maps get smaller and small shifts matter less.",
    values: "{} = {} values",
    downstream: "Downstream, {} needs {} weights with this pooling, {} without it.",
    window_values: "Window values",
    max_marked: "max = {} (marked)",
    mean_is: "mean = {} / {} = {}",
    blurmax_note: "Blur-max takes the max at stride 1, then blurs and sub-samples: the value shown is the engine's.",
    sweep_window: "Sweep the window",
    hover_pooled: "Hover a pooled cell to see its window.",
    gap_tip: "Global average pooling replaces each map by its mean: one number per channel.",
    flatten_tip: "Flatten lays the maps out as one long vector, channel by channel, row by row (C, H, W order).",
    flattened: "Flattened vector",
    channel: "ch {}",
    dense_tip: "A fully-connected layer: every output is a weighted sum of every input, plus a bias.",
    templates: "Weights per class, reshaped to the maps",
    templates_tip: "Each class's weights laid back over the pooled maps: red regions raise that class's score, blue ones lower it.",
    logits: "Logits",
    probabilities: "Probabilities",
    probabilities_tip: "Softmax turns the logits into probabilities that add up to 1.",
    dropout: "Dropout",
    dropout_rate: "Rate",
    resample_mask: "Resample mask",
    dropout_note: "In training, dropout switches random units off so the dense layer cannot lean on a few of them; this fights over-fitting. At test time it is off.",
    dropout_none: "This model has no dropout layer; open fc-dropout to try it.",
    dropped: "{} of {} units dropped",
    history: "Training history",
    train_acc: "train accuracy",
    test_acc: "test accuracy",
    epoch: "epoch",
    softmax_tip: "Softmax: exp of each logit divided by the sum of all of them.",
    cut_short: "The dense layers do not fit this pooling window, so the network stops before them: {}",
    legend: "{} … {}",
};

pub static ZH: Strings = Strings {
    app_title: "convscope",
    model: "模型",
    open_model: "打开模型文件…",
    open_image: "打开图片…",
    open_image_tip: "打开一张图片（Ctrl+O），或把图片拖到窗口上。",
    pooling: "池化：{}",
    pooling_tip: "在最大池化、平均池化和模糊最大池化之间切换所有池化层（按 M 键）。最大池化保留每个窗口中最强的响应，平均池化保留它们的平均值。",
    window: "窗口",
    window_as_trained: "按训练设置",
    window_tip: "池化核大小 / 步幅。步幅越大，特征图缩得越小。",
    load_twin: "加载 {} 权重",
    twin_tip: "加载用这种池化方式训练的孪生模型。",
    trained_other_mode: "这些权重是用 {} 池化训练的：数字是真实的，但网络从未学习过使用 {}。",
    play: "▶ 播放",
    stop: "⏹ 停止",
    play_tip: "自动逐层播放，适合课堂讲解。",
    language: "语言",
    dark: "深色",
    light: "浅色",
    presentation: "演示模式",
    presentation_tip: "放大整个界面以便投影（Ctrl+/Ctrl- 缩放，F11 全屏）。",
    export_png: "导出 PNG…",
    export_tip: "把这一层的特征图保存为 PNG，用于幻灯片。",
    saved: "已保存 {}",
    loading: "正在加载…",
    input: "输入",
    input_stage: "输入",
    samples: "示例",
    draw: "手写",
    draw_tip: "用鼠标写一个数字：网络会在你书写时实时识别。",
    brush: "笔刷",
    canvas_label: "手写画布",
    clear: "清除",
    original: "原图",
    network_sees: "网络看到的",
    network_sees_tip: "图片经过裁剪、缩放到模型的输入尺寸、转为灰度或保留 RGB，再用模型的均值和标准差归一化。",
    drop_hint: "把图片或模型文件拖到这里。",
    prediction: "预测：{}（{}%）",
    no_prediction: "没有预测：网络在全连接层之前被截断了。",
    params: "{} 个参数",
    shared_scale: "统一色标",
    shared_scale_tip: "所有通道使用同一色标（便于比较），或每个通道各用一个色标（看清各自的图案）。",
    kernels: "卷积核",
    kernels_tip: "每行一个输出通道，每格一个输入通道。蓝色为负，红色为正：每个卷积核是该层寻找的一个小图案。",
    output_maps: "输出特征图",
    output_maps_tip: "每个输出通道一张图：显示卷积核的图案在图片中出现的位置。",
    hover_value: "通道 {}，第 {} 行，第 {} 列：{}",
    receptive_field: "在输入上的感受野",
    conv_tip: "卷积把每个卷积核在输入上滑动，在每个位置写下点积。",
    activation_tip: "激活函数逐个作用于每个值；ReLU 把负值变为零。",
    before_pooling: "池化前",
    after_pooling: "池化后",
    pool_tip: "池化用一个数概括特征图的每个窗口，使特征图变小，也让小的平移影响更小。",
    values: "{} = {} 个值",
    downstream: "在后面，{} 使用这个池化需要 {} 个权重，不用池化需要 {} 个。",
    window_values: "窗口中的值",
    max_marked: "最大值 = {}（已标出）",
    mean_is: "平均值 = {} / {} = {}",
    blurmax_note: "模糊最大池化先以步幅 1 取最大值，再模糊并下采样：显示的是引擎算出的值。",
    sweep_window: "窗口扫过",
    hover_pooled: "把鼠标移到池化后的格子上，查看它的窗口。",
    gap_tip: "全局平均池化用平均值代替每张特征图：每个通道一个数。",
    flatten_tip: "展平把特征图排成一个长向量：逐通道、逐行（C、H、W 顺序）。",
    flattened: "展平后的向量",
    channel: "通道 {}",
    dense_tip: "全连接层：每个输出都是所有输入的加权和再加偏置。",
    templates: "每个类别的权重，还原成特征图的形状",
    templates_tip: "把每个类别的权重铺回池化后的特征图上：红色区域提高该类别的得分，蓝色区域降低得分。",
    logits: "Logits（未归一化得分）",
    probabilities: "概率",
    probabilities_tip: "Softmax 把 logits 变成总和为 1 的概率。",
    dropout: "Dropout（随机失活）",
    dropout_rate: "比例",
    resample_mask: "重新抽样掩码",
    dropout_note: "训练时，dropout 随机关掉一些单元，使全连接层不能只依赖少数几个单元，从而减轻过拟合。测试时它是关闭的。",
    dropout_none: "这个模型没有 dropout 层；打开 fc-dropout 试试。",
    dropped: "丢弃了 {} 个单元（共 {} 个）",
    history: "训练历史",
    train_acc: "训练准确率",
    test_acc: "测试准确率",
    epoch: "轮次",
    softmax_tip: "Softmax：每个 logit 取指数，再除以所有指数之和。",
    cut_short: "全连接层不适合这个池化窗口，所以网络在它们之前停止：{}",
    legend: "{} … {}",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_in_order_and_keeps_extra_braces() {
        assert_eq!(fill("{} of {}", &[&3, &"x"]), "3 of x");
        assert_eq!(fill("{} and {}", &[&1]), "1 and {}");
        assert_eq!(fill("none", &[&1]), "none");
    }

    #[test]
    fn both_tables_have_the_same_placeholders() {
        // Compare the placeholder count of every field through the Debug-free route of
        // listing a few templates that take arguments.
        for (en, zh) in [
            (EN.pooling, ZH.pooling),
            (EN.values, ZH.values),
            (EN.downstream, ZH.downstream),
            (EN.mean_is, ZH.mean_is),
            (EN.prediction, ZH.prediction),
            (EN.hover_value, ZH.hover_value),
            (EN.trained_other_mode, ZH.trained_other_mode),
            (EN.dropped, ZH.dropped),
            (EN.cut_short, ZH.cut_short),
            (EN.load_twin, ZH.load_twin),
        ] {
            assert_eq!(en.matches("{}").count(), zh.matches("{}").count(), "{en}");
        }
    }
}
