# 内置课程的文本（简体中文）。每个 { $name } 都由应用在该步骤中运行的网络实时填入；
# 名称列表见 docs/lessons.md。
lesson-title = 池化层与全连接层

meet-title = 一个训练好的网络识别数字
meet =
    这是 digits-max，一个用 { $train-size } 个手写数字训练的小型卷积网络。它有 { $params } 个权重，把这张图读作 { $prediction }，置信度 { $confidence }%。在它从未见过的测试数字上，正确率为 { $test-accuracy }%。
    按 PageDown 进入下一步；可以随意改动，“重置本步”会恢复本步的设置。

convolve-title = 卷积：同一个卷积核，滑过每个位置
convolve =
    conv1 用 { $conv1-channels } 个 { $conv1-kernel } 的卷积核滑过 { $input-shape } 的图像，得到 { $conv1-values } 个值（{ $conv1-shape }）：每个卷积核一张特征图。把鼠标移到一个格子上，或用 I、J、K、L 键逐格移动：面板显示输入块、卷积核、逐元素乘积以及引擎算出的总和。

downsample-title = 池化让每张特征图变小
downsample =
    pool1 在每个 { $pool1-kernel } 窗口中只保留一个值：{ $relu1-values } 个值（{ $relu1-shape }）变成 { $pool1-values } 个（{ $pool1-shape }）。
    特征图越小，后面的权重越少。这里的全连接层 fc 有 { $fc-params } 个权重。同样的网络去掉池化（digits-nopool）在这一层需要 { $digits-nopool-fc-params } 个，总共 { $digits-nopool-params } 个，而本网络是 { $params } 个；在未见过的数字上它的正确率为 { $digits-nopool-test-accuracy }%，本网络为 { $test-accuracy }%。
    digits-gap 走得更远：用全局平均池化，完全没有全连接层，只有 { $digits-gap-params } 个权重，正确率 { $digits-gap-test-accuracy }%。

max-keeps-title = 最大池化保留最强的响应
max-keeps =
    使用最大池化时，pool1 的每个格子都是其窗口中的最大值，所以最强的响应被原样保留：池化前的最大值是 { $relu1-max }，池化后是 { $pool1-max }。把鼠标移到池化后的格子上可以看到它的窗口。

avg-smooths-title = 平均池化保留均值
avg-smooths =
    本步在相同的权重上切换为平均池化（按 M 键可来回切换）。现在每个格子是其窗口的平均值：峰值降到 { $pool1-max }（池化前为 { $relu1-max }），而整张图的均值仍为 { $pool1-mean }（池化前：{ $relu1-mean }）。平均会把一个强响应分散到整个窗口，使孤立的尖峰变得平滑。
    这些权重是用最大池化训练的；下一步使用一个用平均池化训练的网络。

avg-twin-title = 用平均池化训练的网络
avg-twin =
    digits-avg 是同一个网络，使用相同的随机种子和训练计划，但用平均池化训练。在 { $test-size } 个未见过的数字上：平均池化 { $test-accuracy }% ± { $test-accuracy-margin }，最大池化 { $digits-max-test-accuracy }% ± { $digits-max-test-accuracy-margin }（± 是 95% 区间：两个区间重叠时，这个测试集无法区分这两个网络）。它把这张图读作 { $prediction }（{ $confidence }%）。

noise-title = 平均池化能把噪声抹平吗？
noise =
    同一个 7，加上椒盐噪声：比例为 { $noise-level } 的像素被置为黑或白（种子 { $noise-seed }；左边的“噪声”控件会得到同一张图，convscope inspect --noise 也一样）。digits-max 把它读成 { $prediction }（{ $confidence }%；无噪声时为 { $clean-prediction }，{ $clean-confidence }%）。各层与无噪声时的相似度：输入 { $noise-input-similarity }%，pool1 { $noise-pool1-similarity }%，pool2 { $noise-pool2-similarity }%，fc { $noise-fc-similarity }%。
    它的孪生网络 digits-avg 用平均池化训练，在同一张加噪图上读成 { $digits-avg-prediction }（{ $digits-avg-confidence }%；无噪声时为 { $digits-avg-clean-prediction }，{ $digits-avg-clean-confidence }%）：pool1 { $digits-avg-noise-pool1-similarity }%，pool2 { $digits-avg-noise-pool2-similarity }%，fc { $digits-avg-noise-fc-similarity }%。两者得到的是同一个加噪输入；从 pool1 起，平均池化的网络更接近它在无噪声时算出的结果。
    单独一张图只是一次抽样：换一个种子或换一个数字，数一数两个网络各有几次保住了答案（有些种子下两者都会读错）。在留出的测试数字上，convscope robustness 发现：在我们试过的每个强度下（高斯和椒盐），平均池化训练的网络在准确率和从 pool1 起的相似度上都领先（数字见 docs/findings.md 中的噪声表）：平均会抹平孤立的噪声像素，而最大值会把它传下去。

images-speech-title = 图像用最大池化，语音用平均池化？
images-speech =
    常见的说法是：最大池化适合图像识别，平均池化适合语音识别。在我们的图像模型上，用留出的数据测得（含 95% 区间）：数字 { $test-accuracy }% ± { $test-accuracy-margin }（最大）对 { $digits-avg-test-accuracy }% ± { $digits-avg-test-accuracy-margin }（平均）；形状 { $shapes-max-test-accuracy }% ± { $shapes-max-test-accuracy-margin }（最大）对 { $shapes-avg-test-accuracy }% ± { $shapes-avg-test-accuracy-margin }（平均）。区间重叠时，数据无法区分最大池化与平均池化；不重叠时，数据偏向其中一个。
    这个说法的语音部分需要语音模型；docs/findings.md 中的语音表格给出了我们在录音上的测量结果。

shift-title = 池化能容忍小的平移，但不是不变性
shift =
    平移实验室把数字 3 一个像素一个像素地横向移动，并把每一层与未平移时比较（相同位置的余弦相似度）。在 { $sweep-shifts } 次平移中，使用最大池化：输入保持 { $sweep-max-input-mean }% 的相似度，conv1 { $sweep-max-conv1-mean }%，pool1 { $sweep-max-pool1-mean }%，pool2 { $sweep-max-pool2-mean }%，答案在 { $sweep-max-changed }% 的平移下改变。使用平均池化：pool2 { $sweep-avg-pool2-mean }%，答案改变的比例为 { $sweep-avg-changed }%。
    池化让后面的层比输入变化得少，但不是不变：是容忍，不是不变性。
    容忍大多来自哪里：digits-max-shift 和 digits-avg-shift 就是 digits-max 和 digits-avg，只是训练时每个数字被随机平移最多 2 个像素。对这个 3 做同样的平移，它们的答案分别在 { $digits-max-shift-sweep-changed }% 和 { $digits-avg-shift-sweep-changed }% 的平移下改变，而 digits-max 为 { $sweep-max-changed }%，digits-avg 为 { $digits-avg-sweep-changed }%。它们池化后的特征图移动得和以前差不多（pool2 保持 { $digits-max-shift-sweep-pool2-mean }% 和 { $digits-avg-shift-sweep-pool2-mean }%，以前是 { $sweep-max-pool2-mean }% 和 { $digits-avg-sweep-pool2-mean }%），但 fc 保持 { $digits-max-shift-sweep-fc-mean }% 和 { $digits-avg-shift-sweep-fc-mean }%，以前是 { $sweep-max-fc-mean }% 和 { $digits-avg-sweep-fc-mean }%。池化相同，数据不同：是全连接层学会了给移动后的数字同样的答案。（`convscope consistency` 会在所有测试数字上测量这一点。）

flatten-title = 展平，然后每个输入连到每个权重
flatten =
    flatten 把 { $pool2-shape } 的特征图排成一个含 { $flatten-values } 个数的向量。fc 的 { $fc-values } 个输出中的每一个，都是所有这些数的加权和再加偏置：共 { $fc-params } 个权重。把鼠标移到一个输出上可以看到贡献最大的输入；随后 softmax 把分数变成概率。

fc-params-title = 全连接层拥有大部分权重
fc-params =
    在 fc-overfit 中，仅全连接层 fc1 就有 { $fc1-params } 个权重，占整个网络 { $params } 个权重的 { $fc1-params-share }%。卷积层 conv1 只有 { $conv1-params } 个（{ $conv1-params-share }%）。

overfit-title = 所以它们容易过拟合
overfit =
    fc-overfit 只用 { $train-size } 个数字训练。最终它在训练数字上的正确率为 { $train-accuracy }%，在未见过的数字上却只有 { $test-accuracy }%：相差 { $accuracy-gap } 个百分点。学习曲线显示训练正确率达到 100%，而测试正确率停滞不前。

dropout-title = Dropout 对抗过拟合
dropout =
    fc-dropout 是同一个网络，在 fc1 后加了 dropout：训练时每个单元以 { $dropout-rate } 的概率被关闭（这里打叉表示），因此没有哪个单元能依赖另一个。用同样的方式训练，它在未见过的数字上达到 { $test-accuracy }% ± { $test-accuracy-margin }，没有 dropout 时为 { $fc-overfit-test-accuracy }% ± { $fc-overfit-test-accuracy-margin }；它在训练与测试之间的差距为 { $accuracy-gap } 个百分点，而没有 dropout 时为 { $fc-overfit-accuracy-gap }。比较两条学习曲线和区间：这就是 dropout 在这里帮助的程度，以及这个测试集能否分辨出来。
    权重衰减（L2 正则化）是另一种办法：fc-l2 是用权重衰减 { $fc-l2-weight-decay } 训练的 fc-overfit（衰减系数是在训练数字中划出的验证集上选的）。它达到 { $fc-l2-test-accuracy }% ± { $fc-l2-test-accuracy-margin }，训练与测试之间的差距为 { $fc-l2-accuracy-gap } 个百分点。
