# 内置课程《卷积在做什么》的文本（简体中文）。每个 { $name } 都由程序在该步算出的数值填入
# （网络本身、试算的填充和步幅、对比的模型）；名称见 docs/lessons.md。每步正文（消息 ID）
# 不超过 160 个字，数字放进证据表（ID-evidence）。
lesson-title = 卷积在做什么

meet-title = 用手工设计的卷积核看一张照片
meet =
    edges 没有经过训练：它的 { $conv1-channels } 个 { $conv1-kernel } 卷积核是手工写的（Sobel x、Sobel y、拉普拉斯、模糊和四个方向的线条检测器）。conv1 让每个卷积核在照片上滑动，每个卷积核得到一张特征图。
    每一步先提问：先让全班预测，再按空格揭晓证据。
meet-evidence =
    | | conv1 |
    | 输入 | { $input-shape } |
    | 卷积核 | { $conv1-channels } 个 { $conv1-kernel } |
    | 参数 | { $conv1-formula } |
    | 输出 | { $conv1-shape } |

sobel-title = Sobel x：找左右方向的亮度变化
sobel-question = 黑底上一根白色竖条。Sobel x 的特征图在竖条左右两条长边上会是什么样？
sobel-choice-sides = 两边都是正值
sobel-choice-opposite = 一边正、一边负
sobel-choice-nothing = 没有响应
sobel =
    Sobel x（第一张特征图）用每个像素右边一列减去左边一列（权重 -1、-2、-1 和 1、2、1）；Sobel y（第二张）则用下面一行减去上面一行。红色为正，蓝色为负。
sobel-evidence =
    | 特征图 | 最小值 | 最大值 | 恰好为 0 (%) |
    | Sobel x | { $conv1-map-0-min } | { $conv1-map-0-max } | { $conv1-map-0-zeros } |
    | Sobel y | { $conv1-map-1-min } | { $conv1-map-1-max } | { $conv1-map-1-zeros } |
sobel-verdict = 从左到右变亮的地方 Sobel x 为正，变暗的地方为负：正负号说明了边缘的方向。Sobel y 只在上下方向有亮度变化的地方响应，也就是竖条的两个短端。表中只有极值，看不出位置；位置要看特征图。

flat-title = 平坦区域：卷积核权重之和
flat-question = 在照片上一块完全平坦的区域，Sobel 和拉普拉斯卷积核输出多少？
flat-choice-zero = 0
flat-choice-grey = 该处的灰度值
flat-choice-bright = 很大的值
flat =
    平坦区域里卷积核下的像素都等于同一个值 v，输出就是 v 乘以卷积核权重之和。表中列出各卷积核的权重之和。拉普拉斯用中心的四倍减去上下左右四个邻居，对亮点和细线响应最强。
flat-evidence =
    | 卷积核 | 权重之和 | 最小值 | 最大值 |
    | Sobel x | { $conv1-kernel-0-sum } | { $conv1-map-0-min } | { $conv1-map-0-max } |
    | 拉普拉斯 | { $conv1-kernel-2-sum } | { $conv1-map-2-min } | { $conv1-map-2-max } |
    | 模糊 | { $conv1-kernel-3-sum } | { $conv1-map-3-min } | { $conv1-map-3-max } |
flat-verdict = Sobel 和拉普拉斯的权重之和是 { $conv1-kernel-2-sum }：不论平坦区域多亮，输出都是 0，所以它们找的是变化，而不是亮度。模糊卷积核的权重之和是 { $conv1-kernel-3-sum }：输出就是平滑后的灰度。这一点由构造决定；特征图显示的是这张照片哪里不平坦。

learned-title = 从数字中学到的卷积核
learned-question = digits-max 用 { $train-size } 个数字训练出 conv1 的 { $conv1-channels } 个卷积核。其中有几个像 Sobel 一样，权重之和接近 0？
learned-choice-all = 全部
learned-choice-some = 一部分
learned-choice-none = 一个也没有
learned =
    这些权重不是人写的，而是训练得到的。看看每个卷积核的红蓝图案，以及它在数字 7 上得到的特征图。权重之和的绝对值小于各权重绝对值之和的十分之一，就算“接近 0”。
learned-evidence =
    | 卷积核 | 权重之和 | 卷积核 | 权重之和 |
    | #0 | { $conv1-kernel-0-sum } | #4 | { $conv1-kernel-4-sum } |
    | #1 | { $conv1-kernel-1-sum } | #5 | { $conv1-kernel-5-sum } |
    | #2 | { $conv1-kernel-2-sum } | #6 | { $conv1-kernel-6-sum } |
    | #3 | { $conv1-kernel-3-sum } | #7 | { $conv1-kernel-7-sum } |
    | 接近 0 | { $conv1-balanced-kernels } 个 | | |
learned-verdict = { $conv1-channels } 个卷积核中有 { $conv1-balanced-kernels } 个权重之和接近 0：它们和 Sobel 一样找变化；其余的也对亮度本身响应，后面的偏置和 ReLU 可以利用这一点。一个卷积核是否在找边缘，要看它在数字 7 上的特征图，光看权重之和不够。这只是一次训练的结果，换一个随机种子，卷积核会不同。

by-hand-title = 手算一个输出值
by-hand-question = 算 conv1 特征图上的一格，要做多少次乘法？
by-hand-choice-weights = 卷积核有几个权重就乘几次
by-hand-choice-pixels = 图片有几个像素就乘几次
by-hand-choice-kernels = 有几个卷积核就乘几次
by-hand =
    计算过程面板取出卷积核下的输入区域，与卷积核逐元素相乘，把乘积相加，再加偏置。把鼠标移到特征图的某一格（或按 I、J、K、L 逐格移动）；面板上的“动画”按钮让卷积核一格一格滑过整张图。
by-hand-evidence =
    | | conv1 |
    | 每个卷积核的权重 | { $conv1-kernel-weights } |
    | 输出格数 | { $conv1-values } |
    | 乘加运算 | { $conv1-macs } |
by-hand-verdict = 每一格是 { $conv1-kernel-weights } 次乘法再加一个偏置：{ $conv1-values } 格共 { $conv1-macs } 次乘加运算。每个位置用的都是同一个卷积核，所以图案出现在哪里都能被找到。

padding-title = 填充让尺寸保持不变
padding-question = conv1 在图片四周各填充了 { $conv1-padding } 个像素宽的 0。不填充的话，特征图会变成多大？
padding-choice-same = 和原图一样大
padding-choice-one = 少一行一列
padding-choice-two = 少两行两列
padding =
    卷积核在图上能放几个位置，特征图就有几格。输出尺寸由输入尺寸 H、填充 P、卷积核大小 K 和步幅 S 决定：(H + 2P - K) / S + 1，向下取整。揭晓时用 conv1 自己的权重不填充重算一遍；特征图上方的“试一试”可以试任意填充和步幅。
padding-evidence =
    | 公式 | 实际特征图 |
    | { $conv1-size-formula } | { $conv1-shape } |
    | { $conv1-try-formula } | { $conv1-try-shape } |
padding-verdict = 不填充时特征图是 { $conv1-try-shape }：{ $conv1-kernel } 卷积核的中心无法落在图片最外面一圈上。公式和程序实际算出的特征图一致。填充能保持尺寸，但填进去的 0 是人为补的：边上的格子有一部分看到的是空白。

stride-title = 步幅：跳着走
stride-question = 填充 { $conv1-padding }、步幅 2 时，conv1 的特征图会变成多大？
stride-choice-half = 宽和高都减半
stride-choice-quarter = 宽和高都变成四分之一
stride-choice-less = 只少一行一列
stride =
    步幅是卷积核相邻两个位置之间的距离：步幅 1 走遍每个位置，步幅 2 在每个方向上隔一个走一个。先用公式 (H + 2P - K) / S + 1（向下取整）预测；揭晓时用 conv1 的权重以步幅 2 重算。
stride-evidence =
    | 公式 | 实际数值个数 |
    | { $conv1-size-formula } | { $conv1-values } |
    | { $conv1-try-formula } | { $conv1-try-values } |
stride-verdict = 步幅 { $conv1-try-stride } 让每条边减半，数值个数只剩四分之一：卷积也能像池化那样缩小特征图，而且用的是学出来的权重。公式里的向下取整很关键：在特征图上方试一试填充 0、步幅 2。

channels-title = 第二层卷积把各通道组合起来
channels-question = conv2 的输入是 pool1 的 { $pool1-shape } 特征图。conv2 的一个卷积核要读其中几张？
channels-choice-one = 一张
channels-choice-some = 几张
channels-choice-all = 全部
channels =
    conv1 每张特征图找的是一种简单图案。conv2 有 { $conv2-channels } 个卷积核，每个得到一张自己的特征图。conv2 的一格把哪些数加在一起，决定了第二层能找到什么：由边缘组成的笔画和拐角。
channels-evidence =
    | | conv2 |
    | 输入特征图 | { $conv2-in-channels } |
    | 每个卷积核的权重 | { $conv2-kernel-weights } |
    | 参数 | { $conv2-formula } |
    | 输出 | { $conv2-shape } |
channels-verdict = 每个卷积核对 { $conv2-in-channels } 张输入特征图各有一块 { $conv2-kernel } 的权重，共 { $conv2-kernel-weights } 个，全部加到同一格里。所以 conv2 的特征图能表达“这里有一条边，那里有一笔”，这是 conv1 的任何一张特征图都做不到的。

receptive-title = 感受野逐层扩大
receptive-question = conv1 的一格看到 { $conv1-receptive } 个像素。中间隔着 pool1，conv2 的一格能看到多大范围？
receptive-choice-same = 和 conv1 一样
receptive-choice-plus = 稍大一点
receptive-choice-double = 宽度超过两倍
receptive =
    感受野是一格所依赖的那块输入像素。把鼠标移到 conv2 特征图的某一格上，输入面板会框出它的感受野。digits-nopool 是去掉池化的同一个网络，作为对照。
receptive-evidence =
    | 层 | digits-max | digits-nopool |
    | conv1 | { $conv1-receptive } | { $digits-nopool-conv1-receptive } |
    | pool1 | { $pool1-receptive } | |
    | conv2 | { $conv2-receptive } | { $digits-nopool-conv2-receptive } |
    | pool2 | { $pool2-receptive } | |
receptive-verdict = 每层 { $conv2-kernel } 卷积把感受野扩大前一层的两步；池化之后一步跨两个像素，所以 conv2 有池化时看到 { $conv2-receptive }，没有池化时只有 { $digits-nopool-conv2-receptive }。这里没有哪一层能看到整张图：那是全连接层的事。

params-title = 卷积层与全连接层比参数
params-question = 如果用全连接层把 { $input-values } 个像素连到 conv1 的 { $conv1-values } 个输出，需要多少参数？conv1 只有 { $conv1-params } 个。
params-choice-same = 差不多
params-choice-hundreds = 多几百倍
params-choice-thousands = 多几万倍
params =
    全连接层的每个输出都与所有输入相连：输入数 × 输出数个权重，再加每个输出一个偏置。卷积层的每个输出只连到它下面 { $conv1-kernel } 的一小块，而且每个位置共用同一组权重。
params-evidence =
    | | 参数 | 公式 |
    | conv1 | { $conv1-params } | { $conv1-formula } |
    | 全连接 | { $conv1-dense-params } | { $conv1-dense-formula } |
    | conv2 | { $conv2-params } | { $conv2-formula } |
    | 全连接 | { $conv2-dense-params } | { $conv2-dense-formula } |
params-verdict = 得到同样多的输出，全连接层需要的参数是 conv1 的 { $conv1-dense-ratio } 倍。省下来的原因有两个：局部连接（每个输出只看一小块）和权重共享（一个卷积核用遍所有位置）。这并不说明全连接层一定学得更差，只说明它需要多得多的权重和数据。

where-title = 它凭哪些像素作出判断？
where-question = 显著图按梯度给每个像素上色：这个像素稍微变亮时，{ $prediction } 的得分会变化多少。哪里最强？
where-choice-ink = 只在数字的笔画上
where-choice-beside = 笔画上，以及笔画旁边的黑色背景上
where-choice-everywhere = 到处都差不多
where =
    “网络看了哪里”（W 键）把显著图叠在输入上。红色：调亮这个像素会使 { $prediction } 的得分升高；蓝色：使其降低。揭晓后换成遮挡：用 4×4 的灰色方块逐处遮住数字，测量得分下降多少。
where-evidence =
    | | 梯度 | 遮挡 |
    | 落在笔画上 | { $explain-gradient-on-bright } % | { $explain-occlusion-on-bright } % |
    | 笔画像素 | { $explain-bright } % | |
    | 最强 10 % 相同 | { $explain-top-overlap } % | |
    | 得分，最大下降 | { $explain-score } | { $explain-occlusion-max } |
where-verdict = 梯度有 { $explain-gradient-on-bright } % 落在笔画上（笔画占像素的 { $explain-bright } %），其余在背景上：那里添上笔画就会改变得分。梯度只是一个得分的局部斜率，不是网络“看到”的东西。遮挡测的是另一回事：灰色方块带来的变化，而在黑色背景上，灰色方块等于添了笔画。两张图最强的像素有 { $explain-top-overlap } % 相同；哪张图都没有说明原因。

summary-title = 逐条核对
summary =
    教材关于卷积的说法、这些网络给出的结论，以及背后的数字。所有数字都是刚才由 edges 和 digits-max 算出来的。
summary-evidence =
    | 说法 | 结论 | 数字 |
    | 卷积核找边缘 | 对 | 权重之和 { $edges-conv1-kernel-0-sum } |
    | 学到的也是 | 一部分 | { $conv1-channels } 个中 { $conv1-balanced-kernels } 个 |
    | 一格一小块 | 对 | { $conv1-kernel-weights } 个乘积 |
    | 尺寸公式 | 成立 | { $conv1-shape } |
    | 通道组合 | 读全部 | { $conv2-kernel-weights } 个权重 |
    | 感受野扩大 | 池化后更快 | { $conv2-receptive } / { $digits-nopool-conv2-receptive } |
    | 参数更少 | 对 | { $conv1-dense-ratio } 倍 |
summary-verdict = 卷积就是一个小卷积核滑过所有位置：不论图案出现在哪里都能找到，而且用的权重很少。多层卷积叠起来、中间加上池化，每一格看到的范围越来越大，组合的信息越来越多；只有全连接层能一次看到整张图。
