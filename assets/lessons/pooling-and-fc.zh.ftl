# 内置课程的文本（简体中文）。每个 { $name } 都由程序在该步算出的数值填入（网络、训练记录、
# 平移扫描或测试集）；名称见 docs/lessons.md。每步正文（消息 ID）不超过 160 个字，数字放进
# 证据表（ID-evidence）。取决于数据的结论按算出的判定（a、b 或 tie）选择措辞，不会与数字矛盾。
lesson-title = 池化层与全连接层

-p = p 值

meet-title = 一个训练好的网络识别数字
meet =
    这是 digits-max：用 { $train-size } 个手写数字训练的小型卷积神经网络，两次“卷积 + ReLU + 最大池化”之后接一个全连接层。它把这张图识别为 { $prediction }（置信度 { $confidence }%）。
    每一步先提一个问题：先让全班预测，再按空格揭晓证据。
meet-evidence =
    | | digits-max |
    | 参数 | { $params } |
    | 测试准确率 | { $test-accuracy }% |
    | 测试集 | { $test-size } 个数字 |

convolve-title = 卷积：同一个卷积核滑过每个位置
convolve-question = 这 { $input-values } 个像素经过 conv1，会得到多少个数？
convolve-choice-one = 每像素一个
convolve-choice-kernels = 每个卷积核一个
convolve-choice-maps = 每核每像素一个
convolve =
    conv1 把 { $conv1-channels } 个卷积核分别在图上滑动，在每个位置计算卷积核与下面那块输入区域的点积，再加偏置。把鼠标移到特征图的某一格，或按 I、J、K、L 逐格移动，计算过程面板会列出输入区域、卷积核、乘积和总和。
convolve-evidence =
    | | conv1 |
    | 输出 | { $conv1-shape } |
    | 数值个数 | { $conv1-values } |
    | 参数 | { $conv1-formula } |
    | 乘加运算 | { $conv1-macs } |
convolve-verdict = 每个卷积核得到一张特征图，和原图一样大（边缘用 0 填充），共 { $conv1-values } 个数。每个位置用的都是同样的 { $conv1-weights } 个权重和 { $conv1-biases } 个偏置。

receptive-title = 越往后，每一格看到的范围越大
receptive-question = pool2 的一格能看到原图的多大范围？
receptive-choice-small = 和 conv1 一样
receptive-choice-field = 更大的一块
receptive-choice-all = 整张图
receptive =
    conv1 的一格只看到卷积核下面的 { $conv1-receptive } 个像素。池化和后面的卷积会扩大一格所依赖的输入范围，也就是感受野。把鼠标移到 pool2 特征图的某一格上，输入面板会框出它依赖的像素。
receptive-evidence =
    | 层 | 感受野 |
    | conv1 | { $conv1-receptive } |
    | pool1 | { $pool1-receptive } |
    | conv2 | { $conv2-receptive } |
    | pool2 | { $pool2-receptive } |
receptive-verdict = pool2 的一格看到 { $pool2-receptive } 个像素，而不是整张图。每层卷积按卷积核的大小扩大感受野；每层池化让下一层卷积每移动一步跨过的像素翻倍。只有全连接层 fc 把整张图合在一起。

downsample-title = 池化把每张特征图缩小
downsample-question = pool1 保留了 relu1 的多少个值？
downsample-choice-half = 二分之一
downsample-choice-quarter = 四分之一
downsample-choice-ninth = 九分之一
downsample =
    pool1 在每张特征图的每个 { $pool1-kernel } 窗口里只保留一个值。传到后面的值少了，conv2 的乘加运算就少了；全连接层 fc 的参数（输入数 × 输出数个权重，再加每个输出一个偏置：{ $fc-formula }）也随之减少。表中对比去掉 pool1 的情况。
downsample-evidence =
    | | 有 pool1 | 去掉 pool1 |
    | 进入 conv2 的值 | { $pool1-values } | { $relu1-values } |
    | conv2 乘加运算 | { $conv2-macs } | { $pool1-without-conv2-macs } |
    | fc 参数 | { $fc-params } | { $pool1-without-fc-params } |
downsample-verdict =
    pool1 保留 { $pool1-kept }% 的值，conv2 的乘加运算和 fc 的权重按同样的比例减少。
    { $digits-max-vs-digits-nopool-verdict ->
        [a] 完全不用池化的 digits-nopool（{ $digits-nopool-params } 个参数）在同样的测试数字上准确率更低：{ $digits-nopool-accuracy }% 对 { $digits-max-accuracy }%（{ -p } { $digits-max-vs-digits-nopool-p }）。
        [b] 完全不用池化的 digits-nopool（{ $digits-nopool-params } 个参数）在同样的测试数字上准确率更高：{ $digits-nopool-accuracy }% 对 { $digits-max-accuracy }%（{ -p } { $digits-max-vs-digits-nopool-p }）。
        [tie] 完全不用池化的 digits-nopool（{ $digits-nopool-params } 个参数）与 digits-max 在这些测试数字上分不出高下（{ -p } { $digits-max-vs-digits-nopool-p }）。
       *[other] …
    }

max-keeps-title = 最大池化保留每个窗口的最大值
max-keeps-question = 最大池化之后，最大值和平均值分别会怎样？
max-keeps-choice-same-up = 峰值不变，均值变大
max-keeps-choice-same-same = 都不变
max-keeps-choice-down-same = 峰值变小，均值不变
max-keeps =
    pool1 的每一格是 relu1 中对应 { $pool1-kernel } 窗口的最大值；把鼠标移到池化后的某一格上，可以看到它的窗口。表中把 relu1 的全部数值与 pool1 的全部数值对比。
max-keeps-evidence =
    | | relu1 | pool1 |
    | 最大值 | { $relu1-max } | { $pool1-max } |
    | 平均值 | { $relu1-mean } | { $pool1-mean } |
    | 数值个数 | { $relu1-values } | { $pool1-values } |
max-keeps-verdict = 最大值保留下来，但这说明不了什么：按定义就是如此。最大池化真正做的，是把每个窗口里除最大值以外的值都丢掉（只保留 { $pool1-kept }%），所以平均值变大：窗口的最大值不会小于它的平均值。

avg-smooths-title = 平均池化会稀释峰值
avg-smooths-question = 权重不变，把池化方式换成平均池化，最大值会变大、变小，还是不变？
avg-smooths-choice-up = 变大
avg-smooths-choice-down = 变小
avg-smooths-choice-same = 不变
avg-smooths =
    平均池化写下每个窗口的平均值，而不是最大值。揭晓时 pool1 换成平均池化（按 M 键来回切换）。这组权重是用最大池化训练的。
avg-smooths-evidence =
    | | relu1 | pool1 |
    | 最大值 | { $relu1-max } | { $pool1-max } |
    | 平均值 | { $relu1-mean } | { $pool1-mean } |
avg-smooths-verdict = 峰值变小：平均会稀释强响应，周围全是 0 的一个孤立峰值会被除以窗口的大小。平均值不变，但这是定义决定的，不是发现：{ $pool1-kernel } 窗口互不重叠，每个值正好算一次。

avg-twin-title = 用平均池化训练的网络
avg-twin-question = 从一开始就用平均池化训练的 digits-avg，准确率比 digits-max 高还是低？
avg-twin-choice-more = 更高
avg-twin-choice-less = 更低
avg-twin-choice-tie = 分不出
avg-twin =
    digits-avg 与 digits-max 网络结构相同，随机种子和训练设置也相同，只是用平均池化训练。两者识别同样的 { $digits-max-test-size } 个测试数字；配对检验（McNemar 检验）只看一个对、另一个错的那些数字。
avg-twin-evidence =
    | | 最大 | 平均 |
    | 准确率 % | { $digits-max-accuracy } | { $digits-avg-accuracy } |
    | 仅它识别正确 | { $digits-max-vs-digits-avg-a-right } | { $digits-max-vs-digits-avg-b-right } |
    | { -p } | { $digits-max-vs-digits-avg-p } | |
avg-twin-verdict = { $digits-max-vs-digits-avg-verdict ->
        [a] digits-max 更好：只有它识别正确的有 { $digits-max-vs-digits-avg-a-right } 个，只有 digits-avg 识别正确的有 { $digits-max-vs-digits-avg-b-right } 个（{ -p } { $digits-max-vs-digits-avg-p }）。每种只训练了一次，换个随机种子结果可能不同。
        [b] digits-avg 更好：只有它识别正确的有 { $digits-max-vs-digits-avg-b-right } 个，只有 digits-max 识别正确的有 { $digits-max-vs-digits-avg-a-right } 个（{ -p } { $digits-max-vs-digits-avg-p }）。每种只训练了一次，换个随机种子结果可能不同。
        [tie] 两者在 { $digits-max-vs-digits-avg-discordant } 个数字上结果不同，{ $digits-max-vs-digits-avg-a-right } 个对 { $digits-max-vs-digits-avg-b-right } 个（{ -p } { $digits-max-vs-digits-avg-p }）：这个测试集分辨不出最大池化和平均池化。分辨不出并不等于两者一样好。
       *[other] …
    }

noise-title = 平均池化能把噪声平滑掉吗？
noise-question = 给 7 加上椒盐噪声。权重不变，哪种池化让 pool1 更接近无噪声时的结果？
noise-choice-max = 最大池化
noise-choice-avg = 平均池化
noise =
    噪声把 { $noise-salt } 个像素变白，{ $noise-pepper } 个变黑（随机种子 { $noise-seed }）。同一组权重分别用最大池化和平均池化运行，各自与无噪声时的结果比较（余弦相似度）。注意 pool1 特征图里的白点。
noise-evidence =
    | 相似度 % | 最大 | 平均 |
    | 输入 | { $noise-max-input-similarity } | { $noise-avg-input-similarity } |
    | pool1 | { $noise-max-pool1-similarity } | { $noise-avg-pool1-similarity } |
    | fc | { $noise-max-fc-similarity } | { $noise-avg-fc-similarity } |
    | 测试准确率 % | { $digits-max-noise-accuracy } | { $digits-max-other-noise-accuracy } |
noise-verdict =
    平均池化让 pool1 更接近无噪声的结果；用最大池化时，pool1 与无噪声结果的相似度甚至低于输入本身。白点会产生很强的响应，最大池化把它传下去；黑点只是压低某个响应，而这个响应本来就会被最大池化丢掉。
    { $digits-max-vs-other-noise-verdict ->
        [b] 在 { $digits-max-noise-examples } 个加噪声的测试数字上，这组权重用平均池化识别正确的更多（{ -p } { $digits-max-vs-other-noise-p }），尽管它是用最大池化训练的。
        [a] 在 { $digits-max-noise-examples } 个加噪声的测试数字上，这组权重仍是用最大池化识别正确的更多（{ -p } { $digits-max-vs-other-noise-p }）。
        [tie] 在 { $digits-max-noise-examples } 个加噪声的测试数字上，两种池化分不出高下（{ -p } { $digits-max-vs-other-noise-p }）。
       *[other] …
    }

images-speech-title = 图像用最大池化，语音用平均池化？
images-speech-question = 我们的成对模型是否表明：图像用最大池化更好，语音用平均池化更好？
images-speech-choice-both = 两半都成立
images-speech-choice-speech = 只有语音
images-speech-choice-shapes = 只有形状
images-speech =
    常见说法：图像适合最大池化，语音适合平均池化。我们有数字、形状和语音数字三对模型，每对只有池化方式不同，各自在自己的测试集上逐个样本比较；“更好”一栏只在配对检验显著时填写。
images-speech-evidence =
    | 准确率 % | 最大 | 平均 | 更好 |
    | 数字 | { $digits-max-accuracy } | { $digits-avg-accuracy } | { $digits-max-vs-digits-avg-verdict ->
        [a] 最大
        [b] 平均
        [tie] —
       *[other] …
    } |
    | 形状 | { $shapes-max-accuracy } | { $shapes-avg-accuracy } | { $shapes-max-vs-shapes-avg-verdict ->
        [a] 最大
        [b] 平均
        [tie] —
       *[other] …
    } |
    | 语音 | { $speech-max-accuracy } | { $speech-avg-accuracy } | { $speech-max-vs-speech-avg-verdict ->
        [a] 最大
        [b] 平均
        [tie] —
       *[other] …
    } |
images-speech-verdict =
    { $speech-max-vs-speech-avg-verdict ->
        [b] 在语音上平均池化更好（{ -p } { $speech-max-vs-speech-avg-p }）。
        [a] 在语音上反而是最大池化更好（{ -p } { $speech-max-vs-speech-avg-p }）：这里语音这一半不成立。
        [tie] 在语音上，我们的数据不支持平均池化更好：{ $speech-max-test-size } 段录音中，最大池化识别正确 { $speech-max-accuracy }%，平均池化 { $speech-avg-accuracy }%（{ -p } { $speech-max-vs-speech-avg-p }）。
       *[other] …
    }换成网络从未听过的说话人（轮流留出一位，两个随机种子）：最大池化 81～82%，平均池化 79～82%，平均池化同样没有优势。语音系统确实常用平均，但那是沿时间轴平均：统计池化把整段语音变成一个向量。

shift-equivariance-title = 平移后的特征图：等变性
shift-equivariance-question = 把 3 向右平移。conv1 的特征图会不会跟着平移、而内容不变？
shift-equivariance-choice-yes = 会
shift-equivariance-choice-no = 不会
shift-equivariance =
    平移实验把平移后的 3 的每一层与未平移时比较两次：一次在相同位置比较，一次先把未平移的特征图跟着平移（平移量须是该层格子的整数倍）再比较。表中是 x 方向所有平移量的平均。
shift-equivariance-evidence =
    | 相似度 % | 同位置 | 对齐后 |
    | conv1 | { $sweep-conv1-mean } | { $sweep-conv1-aligned } |
    | relu1 | { $sweep-relu1-mean } | { $sweep-relu1-aligned } |
    | pool1 | { $sweep-pool1-mean } | { $sweep-pool1-aligned } |
    | pool2 | { $sweep-pool2-mean } | { $sweep-pool2-aligned } |
shift-equivariance-verdict = 对齐后，conv1 的特征图与未平移时几乎完全一样：卷积具有等变性，特征图随输入一起移动。在同一位置比较则不同：卷积不具有平移不变性。relu1 在同一位置已经比 conv1 更相似：这部分提升主要来自 ReLU，而不是池化。以上是 { $sweep-shifts } 个平移量的平均，不含未平移的一次。

shift-tolerance-title = 对平移的容忍度：来自池化还是数据？
shift-tolerance-question = 网络对小平移的容忍度，主要从哪里来？
shift-tolerance-choice-pooling = 池化层
shift-tolerance-choice-data = 平移数据
shift-tolerance =
    把 { $digits-max-consistency-images } 个测试数字各随机平移两次，每次最多 1、2 或 3 个像素，统计预测结果保持不变的比例。digits-nopool 没有池化；digits-max-shift 是用平移过的数字训练的 digits-max。图表用最大、平均和抗混叠最大池化扫描这个 3。
shift-tolerance-evidence =
    | 结果不变 % | ≤ 1 像素 | ≤ 2 像素 | ≤ 3 像素 |
    | 无池化 | { $digits-nopool-consistency-1 } | { $digits-nopool-consistency-2 } | { $digits-nopool-consistency-3 } |
    | 最大池化 | { $digits-max-consistency-1 } | { $digits-max-consistency-2 } | { $digits-max-consistency-3 } |
    | 最大池化 + 平移数据 | { $digits-max-shift-consistency-1 } | { $digits-max-shift-consistency-2 } | { $digits-max-shift-consistency-3 } |
shift-tolerance-verdict = 池化带来一些容忍度，用平移过的数字训练带来的多得多；三者都不具有平移不变性。抗混叠最大池化（Zhang 2019）先模糊再下采样，以减少混叠：同一组权重下，pool2 在同一位置与未平移的 3 的相似度为 { $sweep-blurmax-pool2-mean }%，最大池化为 { $sweep-max-pool2-mean }%。

flatten-title = 展平后，每个输出都与所有输入相连
flatten-question = fc 的每个输出要把多少个输入加起来？
flatten-choice-window = 一个小窗口
flatten-choice-some = 其中一部分
flatten-choice-all = 全部
flatten =
    flatten 把 pool2 的 { $pool2-shape } 特征图排成一个向量。fc 的每个输出是输入的加权和再加偏置；面板列出某个输出贡献最大的几项。fc 后面没有自己的激活函数：由 softmax 把得分（Logits）变成概率。
flatten-evidence =
    | | fc |
    | 输入 | { $flatten-values } |
    | 输出 | { $fc-values } |
    | 权重 | { $fc-weights } |
    | 偏置 | { $fc-biases } |
flatten-verdict = 全部：每个输出有 { $flatten-values } 个权重，每个输入一个，再加一个偏置。若在 softmax 前加 ReLU，所有负的得分都会变成 0，网络有多确定“不是某一类”就看不出来了；softmax 本身已经保证概率为正。

fc-params-title = 全连接层占了绝大部分参数
fc-params-question = 在 fc-overfit 中，哪一层的参数最多？
fc-params-choice-conv1 = conv1
fc-params-choice-fc1 = fc1
fc-params-choice-fc2 = fc2
fc-params =
    全连接层有“输入数 × 输出数”个权重，外加每个输出一个偏置：fc1 = { $fc1-formula }。卷积层有“输出通道 × 输入通道 × 卷积核高 × 宽”个权重，外加每个输出通道一个偏置：conv1 = { $conv1-formula }。旁边是 fc1 每个单元的权重。
fc-params-evidence =
    | | 参数 | 占比 % |
    | conv1 | { $conv1-params } | { $conv1-params-share } |
    | fc1 | { $fc1-params } | { $fc1-params-share } |
    | fc2 | { $fc2-params } | { $fc2-params-share } |
fc-params-verdict = 单是全连接层 fc1 就占了整个网络 { $params } 个参数中的 { $fc1-params-share }%（{ $fc1-weights } 个权重和 { $fc1-biases } 个偏置）。卷积层的权重在所有位置共用，全连接层的不共用。

overfit-title = 全连接层会过拟合吗？
overfit-question = fc-overfit 把训练数字全部学会了，测试数字却没有。差距从哪里来？
overfit-choice-layer = 全连接层
overfit-choice-data = 训练数字太少
overfit =
    fc-overfit 只用 { $train-size } 个数字训练。对照模型 fc-8k 网络结构和训练设置都相同，但用 { $fc-8k-train-size } 个数字训练。学习曲线逐轮显示两者在训练集和同一测试集上的准确率。
overfit-evidence =
    | 准确率 % | fc-overfit | fc-8k |
    | 训练数字 | { $train-size } | { $fc-8k-train-size } |
    | 训练集 | { $train-accuracy } | { $fc-8k-train-accuracy } |
    | 测试集 | { $fc-overfit-accuracy } | { $fc-8k-accuracy } |
    | 差距 | { $accuracy-gap } | { $fc-8k-accuracy-gap } |
overfit-verdict = { $fc-overfit-vs-fc-8k-verdict ->
        [b] 同样的网络用 { $fc-8k-train-size } 个数字训练，在测试集上好得多（{ -p } { $fc-overfit-vs-fc-8k-p }）：fc-overfit 的差距主要来自只有 { $train-size } 个训练数字，而不单是全连接层。两者都把训练数字背了下来。
        [a] 同样的网络用 { $fc-8k-train-size } 个数字训练，在测试集上反而更差（{ -p } { $fc-overfit-vs-fc-8k-p }）：这里更多数据没有缩小差距。
        [tie] 同样的网络用 { $fc-8k-train-size } 个数字训练，在测试集上分不出高下（{ -p } { $fc-overfit-vs-fc-8k-p }）：这里的差距并非来自训练数字的多少。
       *[other] …
    }

dropout-title = 用丢弃和权重衰减对付过拟合
dropout-question = 丢弃（dropout）或权重衰减，能让 fc-overfit 在测试集上更准吗？
dropout-choice-dropout = 丢弃
dropout-choice-decay = 权重衰减
dropout-choice-both = 两者都能
dropout-choice-neither = 分不出
dropout =
    fc-dropout 是在 fc1 后加了丢弃层的 fc-overfit：训练时每个单元以 { $dropout-rate } 的概率被丢弃（置零，这里用叉号表示）。fc-l2 是加了权重衰减 { $fc-l2-weight-decay } 的 fc-overfit，用的是 Adam 的 L2 正则化，不是 AdamW 的解耦权重衰减。都只用 { $train-size } 个数字。
dropout-evidence =
    | | 准确率 % | 与 fc-overfit 比的 { -p } |
    | fc-overfit | { $fc-overfit-accuracy } | |
    | fc-dropout | { $fc-dropout-accuracy } | { $fc-overfit-vs-fc-dropout-p } |
    | fc-l2 | { $fc-l2-accuracy } | { $fc-overfit-vs-fc-l2-p } |
dropout-verdict =
    { $fc-overfit-vs-fc-dropout-verdict ->
        [b] 丢弃有效：只有 fc-dropout 识别正确的测试数字有 { $fc-overfit-vs-fc-dropout-b-right } 个，只有 fc-overfit 识别正确的有 { $fc-overfit-vs-fc-dropout-a-right } 个。
        [a] 丢弃反而有害：只有 fc-overfit 识别正确的测试数字有 { $fc-overfit-vs-fc-dropout-a-right } 个，只有 fc-dropout 识别正确的有 { $fc-overfit-vs-fc-dropout-b-right } 个。
        [tie] 丢弃：fc-dropout 多对了 { $fc-overfit-vs-fc-dropout-b-right } 个，fc-overfit 多对了 { $fc-overfit-vs-fc-dropout-a-right } 个，这个测试集分辨不出。
       *[other] …
    }{ $fc-overfit-vs-fc-l2-verdict ->
        [b] 权重衰减在这里有效。
        [a] 权重衰减在这里反而有害。
        [tie] 权重衰减在这里看不出任何作用。
       *[other] …
    }

alternatives-title = 缩小特征图的其他办法
alternatives-question = 有两个网络不用池化层：digits-stride（步幅为 2 的卷积）和 digits-gap（全局平均池化，没有全连接层）。哪个能赶上 digits-max？
alternatives-choice-stride = digits-stride
alternatives-choice-gap = digits-gap
alternatives-choice-neither = 都不能
alternatives =
    屏幕上 pool1 用的是步幅为 2 的重叠 { $pool1-kernel } 窗口：相邻窗口共用一部分值。digits-stride 自己学习如何下采样，参数和 digits-max 一样多；digits-gap 把最后每张特征图平均成一个类别得分。
alternatives-evidence =
    | | 准确率 % | 参数 |
    | digits-max | { $digits-max-accuracy } | { $digits-max-params } |
    | digits-stride | { $digits-stride-accuracy } | { $digits-stride-params } |
    | digits-gap | { $digits-gap-accuracy } | { $digits-gap-params } |
alternatives-verdict =
    { $digits-max-vs-digits-stride-verdict ->
        [a] 在同样的测试数字上，digits-stride 不如 digits-max（{ -p } { $digits-max-vs-digits-stride-p }）。
        [b] 在同样的测试数字上，digits-stride 比 digits-max 好（{ -p } { $digits-max-vs-digits-stride-p }）。
        [tie] digits-stride 与 digits-max 分不出高下（{ -p } { $digits-max-vs-digits-stride-p }）。
       *[other] …
    }{ $digits-max-vs-digits-gap-verdict ->
        [a] digits-gap 也不如 digits-max（{ -p } { $digits-max-vs-digits-gap-p }），
        [b] digits-gap 比 digits-max 好（{ -p } { $digits-max-vs-digits-gap-p }），
        [tie] digits-gap 与 digits-max 分不出高下（{ -p } { $digits-max-vs-digits-gap-p }），
       *[other] …
    }但它的训练设置没有重新调整：这里比较的是整套训练方案，而不只是网络结构。

summary-title = 逐条检验
summary =
    教材的说法、我们的网络给出的结论和背后的数字：有无池化时的参数；配对检验的 p 值（“分不出”表示测试集无法判断）；在最大平移下结果不变的测试数字比例；过拟合差距（百分点），分别用 { $fc-overfit-train-size } 和 { $fc-8k-train-size } 个数字训练。
summary-evidence =
    | 说法 | 结论 | 数字 |
    | 池化减少参数 | 是 | { $params } / { $digits-nopool-params } |
    | 最大优于平均 | { $digits-max-vs-digits-avg-verdict ->
        [a] 是
        [b] 否
        [tie] 分不出
       *[other] …
    } | { -p } { $digits-max-vs-digits-avg-p } |
    | 池化带来平移不变性 | 部分 | { $digits-max-consistency-3 }% |
    | 平移数据 | 多得多 | { $digits-max-shift-consistency-3 }% |
    | 全连接层会过拟合 | { $fc-overfit-vs-fc-8k-verdict ->
        [b] 数据少时
        [a] 否
        [tie] 否
       *[other] …
    } | { $fc-overfit-accuracy-gap } / { $fc-8k-accuracy-gap } |
    | 丢弃有效 | { $fc-overfit-vs-fc-dropout-verdict ->
        [b] 是
        [a] 否
        [tie] 分不出
       *[other] …
    } | { -p } { $fc-overfit-vs-fc-dropout-p } |
    | 权重衰减有效 | { $fc-overfit-vs-fc-l2-verdict ->
        [b] 是
        [a] 否
        [tie] 分不出
       *[other] …
    } | { -p } { $fc-overfit-vs-fc-l2-p } |
summary-verdict = 池化的价值在于减少参数和计算量，并带来一些对平移的容忍度，但不如用平移数据训练。“分不出”是因为我们的测试集太小、无法判断，并不等于没有作用。
