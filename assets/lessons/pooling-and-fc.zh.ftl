# 内置课程的文本（简体中文）。每个 { $name } 都由该步骤运行的网络填入；名称见 docs/lessons.md。
# 每步的正文（消息 ID）不超过 160 个字：数字放进证据表（ID-evidence）。
lesson-title = 池化层与全连接层

meet-title = 一个训练好的网络识别数字
meet =
    这是 digits-max，一个用 { $train-size } 个手写数字训练的小型卷积网络。它把这张图识别为 { $prediction }（置信度 { $confidence }%）。
    按 PageDown 继续，按空格揭晓答案；改动之后，“重置本步”可恢复本步。
meet-evidence =
    | | digits-max |
    | 参数 | { $params } |
    | 测试准确率 | { $test-accuracy }% |

convolve-title = 卷积：同一个卷积核，滑过每个位置
convolve-question = conv1 从这张 { $input-shape } 的图像算出多少个数？
convolve =
    conv1 把每个卷积核在图像上滑动，在每个位置计算点积（再加偏置）。把鼠标移到输出特征图的某一格上，或按 I、J、K、L 逐格移动：面板显示输入区域、卷积核、逐元素乘积和总和。
convolve-evidence =
    | | conv1 |
    | 卷积核 | { $conv1-channels } × { $conv1-kernel } |
    | 输出 | { $conv1-shape } |
    | 数值个数 | { $conv1-values } |
convolve-verdict = 每个卷积核一张特征图，和图像一样大（边缘补零）：由 { $input-values } 个数得到 { $conv1-values } 个数。

downsample-title = 池化把每张特征图缩小
downsample-question = pool1 保留了 relu1 的多少个值？这对全连接层 fc 有什么影响？
downsample =
    pool1 在每张特征图的每个 { $pool1-kernel } 窗口中只保留一个值。全连接层 fc 对到达它的每个值都有一个权重。digits-nopool 是去掉池化的同一网络；digits-gap 以全局平均池化结尾，没有全连接层。
downsample-evidence =
    | | 参数 | fc 中 | 准确率 % |
    | 最大 | { $params } | { $fc-params } | { $test-accuracy } |
    | 无池化 | { $digits-nopool-params } | { $digits-nopool-fc-params } | { $digits-nopool-test-accuracy } |
    | GAP | { $digits-gap-params } | — | { $digits-gap-test-accuracy } |
downsample-verdict = pool1 从 { $relu1-values } 个值中保留 { $pool1-values } 个，后面的全连接层因此需要的权重少得多。准确率都是在同样的 { $test-size } 个测试数字上测得的。

max-keeps-title = 最大池化保留最强的响应
max-keeps-question = 最大池化之后，最大值是变大、变小，还是不变？
max-keeps-choice-up = 变大
max-keeps-choice-down = 变小
max-keeps-choice-same = 不变
max-keeps =
    pool1 的每一格都是 relu1 中对应窗口的最大值。把鼠标移到池化后的某一格上，可以看到它的窗口。
max-keeps-evidence =
    | | relu1 | pool1 |
    | 最大值 | { $relu1-max } | { $pool1-max } |
    | 平均值 | { $relu1-mean } | { $pool1-mean } |
    | 数值个数 | { $relu1-values } | { $pool1-values } |
max-keeps-verdict = 峰值原样保留。最大池化丢掉的是每四个值中的另外三个，所以平均值上升：窗口的最大值从不小于它的平均值。

avg-smooths-title = 平均池化保持平均值
avg-smooths-question = 在同样的权重上换成平均池化，最大值是变大、变小，还是不变？
avg-smooths-choice-up = 变大
avg-smooths-choice-down = 变小
avg-smooths-choice-same = 不变
avg-smooths =
    平均池化写下每个窗口的平均值，而不是最大值。揭晓时 pool1 换成平均池化（按 M 来回切换）。这些权重是用最大池化训练的。
avg-smooths-evidence =
    | | relu1 | pool1 |
    | 最大值 | { $relu1-max } | { $pool1-max } |
    | 平均值 | { $relu1-mean } | { $pool1-mean } |
avg-smooths-verdict = 峰值下降：平均会稀释强响应，孤立的尖峰只剩四分之一。平均值按构造不变：窗口互不重叠，每个值恰好覆盖一次。

avg-twin-title = 用平均池化训练的网络
avg-twin-question = 从一开始就用平均池化训练，digits-avg 比 digits-max 更准还是更差？
avg-twin =
    digits-avg 是同一个网络，随机种子和训练设置都相同，只是用平均池化训练。两者都在同样的 { $test-size } 个测试数字上测量。
avg-twin-evidence =
    | | 测试准确率 % |
    | 平均 | { $test-accuracy } ± { $test-accuracy-margin } |
    | 最大 | { $digits-max-test-accuracy } ± { $digits-max-test-accuracy-margin } |
avg-twin-verdict = ± 表示 95% 置信区间：两个区间重叠时，这个测试集无法区分两个网络。

noise-title = 平均池化能把噪声平滑掉吗？
noise-question = 给 7 加上椒盐噪声：哪个孪生网络的 pool1 更接近没有噪声时的结果？
noise-choice-max = digits-max
noise-choice-avg = digits-avg
noise =
    按 { $noise-level } 的比例随机把像素置为黑或白（种子 { $noise-seed }）。两个孪生网络读同一张带噪图像；每一层都与它在干净图像上的结果比较（余弦相似度）。
noise-evidence =
    | 相似度 % | 最大 | 平均 |
    | 输入 | { $noise-input-similarity } | { $digits-avg-noise-input-similarity } |
    | pool1 | { $noise-pool1-similarity } | { $digits-avg-noise-pool1-similarity } |
    | pool2 | { $noise-pool2-similarity } | { $digits-avg-noise-pool2-similarity } |
    | fc | { $noise-fc-similarity } | { $digits-avg-noise-fc-similarity } |
    | 识别为 | { $prediction } | { $digits-avg-prediction } |
noise-verdict = 从 pool1 开始，平均池化的孪生网络在这张图上更接近它的干净结果。但一张图只是一次抽样，而且两个孪生网络的权重也不同，不只是池化方式不同。

images-speech-title = 图像用最大池化，语音用平均池化？
images-speech-question = 我们的图像模型更适合最大池化吗？
images-speech =
    这个说法是：最大池化适合图像，平均池化适合语音。下面是我们的图像模型，各自在自己的测试集上测量。
images-speech-evidence =
    | 测试准确率 % | 最大 | 平均 |
    | 数字 | { $test-accuracy } ± { $test-accuracy-margin } | { $digits-avg-test-accuracy } ± { $digits-avg-test-accuracy-margin } |
    | 形状 | { $shapes-max-test-accuracy } ± { $shapes-max-test-accuracy-margin } | { $shapes-avg-test-accuracy } ± { $shapes-avg-test-accuracy-margin } |
images-speech-verdict = 95% 置信区间重叠时，数据无法区分最大池化和平均池化；不重叠时，数据支持其中一方。要检验语音这一半，需要语音模型。

shift-title = 池化对小平移有一定容忍度，但并非平移不变
shift-question = 把 3 逐像素横向平移：网络是否在每个平移下都保持答案？
shift-choice-yes = 是
shift-choice-no = 否
shift =
    平移实验把 3 横向移动，并把每一层与未平移时比较（同一位置的余弦相似度）。图表显示每一层的相似度和原答案的概率随平移的变化。
shift-evidence =
    | { $sweep-shifts } 次平移中 % | 最大 | 平均 | max-shift |
    | pool2 相似度 | { $sweep-max-pool2-mean } | { $sweep-avg-pool2-mean } | { $digits-max-shift-sweep-pool2-mean } |
    | fc 相似度 | { $sweep-max-fc-mean } | { $sweep-avg-fc-mean } | { $digits-max-shift-sweep-fc-mean } |
    | 答案改变 | { $sweep-max-changed } | { $sweep-avg-changed } | { $digits-max-shift-sweep-changed } |
shift-verdict = 后面的层比输入变化小，但并非不变：是容忍，不是平移不变性。用平移过的数字训练的 digits-max-shift，在同样的池化下更少改变答案：这种容忍度很大一部分来自数据。

flatten-title = 展平后，每个输出都与所有输入相连
flatten-question = fc 的每个输出要把它的多少个输入加起来？
flatten =
    flatten 把 { $pool2-shape } 的特征图排成一个向量。fc 的每个输出都是所有输入的加权和再加偏置。面板列出一个输出最大的几项贡献；softmax 再把分数变成概率。
flatten-evidence =
    | | fc |
    | 输入 | { $flatten-values } |
    | 输出 | { $fc-values } |
    | 参数 | { $fc-params } |
flatten-verdict = 全部：{ $fc-values } 个输出，每个有 { $flatten-values } 个权重和一个偏置。

fc-params-title = 全连接层占了绝大部分参数
fc-params-question = 在 fc-overfit 中，哪一层的参数最多？
fc-params-choice-conv1 = conv1
fc-params-choice-fc1 = fc1
fc-params-choice-fc2 = fc2
fc-params =
    fc-overfit 有一个卷积层和一个 { $fc1-values } 个单元的隐藏全连接层 fc1。旁边把每个单元的权重按它读取的特征图排回去：每个输入通道一张图。
fc-params-evidence =
    | | 参数 | 占比 % |
    | conv1 | { $conv1-params } | { $conv1-params-share } |
    | fc1 | { $fc1-params } | { $fc1-params-share } |
    | fc2 | { $fc2-params } | { $fc2-params-share } |
fc-params-verdict = 仅全连接层 fc1 就占了网络 { $params } 个参数中的 { $fc1-params-share }%。

overfit-title = 所以它们会过拟合
overfit-question = 只用 { $train-size } 个数字训练，测试准确率会跟着训练准确率一直升到顶吗？
overfit-choice-yes = 会
overfit-choice-no = 不会
overfit =
    fc-overfit 只用 { $train-size } 个数字训练。学习曲线逐轮显示它在这些训练数字和未见过的测试数字上的准确率。
overfit-evidence =
    | | 准确率 % |
    | 训练 | { $train-accuracy } |
    | 测试 | { $test-accuracy } |
    | 差距 | { $accuracy-gap } |
overfit-verdict = 训练准确率升到顶，测试准确率却停滞：网络记住了这 { $train-size } 个数字，而不是学会了数字。训练数字这么少，本身就足以解释这个差距。

dropout-title = 用丢弃法和权重衰减对抗过拟合
dropout-question = 丢弃法或权重衰减能让网络在未见过的数字上更准吗？
dropout =
    fc-dropout 是在 fc1 之后加了丢弃法的 fc-overfit：训练时每个单元以 { $dropout-rate } 的概率被丢弃（置零，这里用叉号表示）。fc-l2 是用权重衰减 { $fc-l2-weight-decay } 训练的 fc-overfit。
dropout-evidence =
    | | 测试准确率 % | 差距 |
    | fc-overfit | { $fc-overfit-test-accuracy } ± { $fc-overfit-test-accuracy-margin } | { $fc-overfit-accuracy-gap } |
    | fc-dropout | { $test-accuracy } ± { $test-accuracy-margin } | { $accuracy-gap } |
    | fc-l2 | { $fc-l2-test-accuracy } ± { $fc-l2-test-accuracy-margin } | { $fc-l2-accuracy-gap } |
dropout-verdict = 置信区间重叠：这个测试集无法区分这三个网络。学习曲线显示丢弃法在训练中改变了什么。
