# “学习、过拟合及其对策”课程的文本（简体中文）。每个 { $name } 都由程序填入：当前网络的数值，
# 以及本课各次训练的结果（以发起训练的那一步命名，如 { $small-test-accuracy }；训练结束前显示 …）。
# 训练的设置（{ $dropout-dropout }、{ $small-train-size }）一开始就已知，提问时即可引用。
# 取决于数据的结论按算出的判定（a、b、tie；gap、none）选择措辞，不会与数字矛盾。每步正文不超过 160 个字。
lesson-title = 学习、过拟合及其对策

-p = p 值
-run1 = 第 1 次
-tie = 分不出

meet-title = 一个要从头训练的网络
meet =
    fc-overfit：一层卷积加池化，后面接两个全连接层，共 { $params } 个参数，其中 { $fc1-params-share }% 在 fc1。每一步都在“训练”页用固定的随机种子从头训练它，只需几秒。实线是训练集上的准确率，虚线是它从没学过的 { $test-size } 个测试数字上的准确率。
meet-evidence =
    | | fc-overfit |
    | 参数 | { $params } |
    | fc1 的参数 | { $fc1-params } |
    | 测试数字 | { $test-size } |

small-title = 数字太少：是学会了，还是背下来了？
small-question = 只用 { $small-train-size } 个数字训练 { $small-epochs } 轮，两条准确率曲线最后会停在哪里？
small-choice-both = 都接近 100%
small-choice-train = 训练集接近 100%，测试集更低
small-choice-neither = 都很低
small =
    第 1 次训练只用训练集的前 { $small-train-size } 个数字，训练 { $small-epochs } 轮，随机种子为 { $small-seed }。每轮结束后，在从没训练过的数字上测试一次。揭晓答案时开始训练：注意实线和虚线怎样分开。
small-evidence =
    | | { -run1 } |
    | 训练数字 | { $small-train-size } |
    | 训练准确率 % | { $small-train-accuracy } |
    | 测试准确率 % | { $small-test-accuracy } |
    | 差距（百分点） | { $small-gap } |
small-verdict = { $small-gap-verdict ->
        [gap] 它在自己的训练数字上准确率为 { $small-train-accuracy }%，在新数字上只有 { $small-test-accuracy }%，相差 { $small-gap } 个百分点，远超偶然误差。它记住的是这些数字本身，而不是数字的一般规律：这就是过拟合。不过这只是一个随机种子的一次训练。
        [none] 训练准确率和测试准确率相差不大（{ $small-train-accuracy }% 和 { $small-test-accuracy }%）：这次训练看不出过拟合。
       *[other] …
    }

more-data-title = 对照：更多数字
more-data-question = 网络和设置都不变，改用 { $more-data-train-size } 个数字训练。差距会怎样？
more-data-choice-closes = 缩小
more-data-choice-same = 不变
more-data-choice-wider = 变大
more-data =
    第 2 次只换数据：用 { $more-data-train-size } 个训练数字，而不是 { $small-train-size } 个。为了快一点只训练 { $more-data-epochs } 轮，但看过的图片仍然更多（{ $more-data-images-seen } 对 { $small-images-seen }）。两次在同一批测试数字上比较；配对检验（McNemar 检验）只看一次识别正确、一次识别错误的数字。
more-data-evidence =
    | | { -run1 } | 第 2 次 |
    | 训练数字 | { $small-train-size } | { $more-data-train-size } |
    | 训练集 % | { $small-train-accuracy } | { $more-data-train-accuracy } |
    | 测试集 % | { $small-test-accuracy } | { $more-data-test-accuracy } |
    | 差距 | { $small-gap } | { $more-data-gap } |
more-data-verdict = { $small-vs-more-data-verdict ->
        [b] 只有第 2 次识别正确的测试数字有 { $small-vs-more-data-b-right } 个，只有第 1 次识别正确的有 { $small-vs-more-data-a-right } 个（{ -p } { $small-vs-more-data-p }）：数字多了，测试准确率提高，差距也缩小了。不过它看过的图片也更多，这里是数据和训练步数一起增加的结果。
        [a] 只有第 2 次识别正确的测试数字有 { $small-vs-more-data-b-right } 个，只有第 1 次识别正确的有 { $small-vs-more-data-a-right } 个（{ -p } { $small-vs-more-data-p }）：这里更多数据没有帮助。
        [tie] 两次在 { $small-vs-more-data-discordant } 个测试数字上结果不同，{ $small-vs-more-data-b-right } 个对 { $small-vs-more-data-a-right } 个（{ -p } { $small-vs-more-data-p }）：这些测试数字分辨不出两者。
       *[other] …
    }

dropout-title = 丢弃（dropout）
dropout-question = 回到 { $dropout-train-size } 个数字，在最后一层前加丢弃率为 { $dropout-dropout } 的丢弃层。更多数据和丢弃，哪个更能缩小差距？
dropout-choice-data = 更多数据
dropout-choice-dropout = 丢弃
dropout-choice-same = 差不多
dropout =
    第 3 次就是第 1 次加上丢弃：训练时，fc1 输出的每个单元以 { $dropout-dropout } 的概率被置零，每个数字重新抽一次，这样任何单元都不能指望另一个单元一定在。测试时所有单元都参与。
dropout-evidence =
    | | 训练集 % | 测试集 % | 差距 |
    | { -run1 } | { $small-train-accuracy } | { $small-test-accuracy } | { $small-gap } |
    | 第 2 次，数据 | { $more-data-train-accuracy } | { $more-data-test-accuracy } | { $more-data-gap } |
    | 第 3 次，丢弃 | { $dropout-train-accuracy } | { $dropout-test-accuracy } | { $dropout-gap } |
dropout-verdict =
    数字更多时差距为 { $more-data-gap } 个百分点，加丢弃时为 { $dropout-gap } 个百分点。
    { $small-vs-dropout-verdict ->
        [b] 在同一批测试数字上，第 3 次比第 1 次好（{ -p } { $small-vs-dropout-p }）。
        [a] 在同一批测试数字上，第 3 次不如第 1 次（{ -p } { $small-vs-dropout-p }）：这里丢弃反而降低了测试准确率。
        [tie] 在同一批测试数字上，第 3 次和第 1 次分不出高下（{ -p } { $small-vs-dropout-p }），何况各自只训练了一次。
       *[other] …
    }

decay-title = 权重衰减
decay-question = 权重衰减在每一步都把所有权重往 0 拉一点。第 4 次在测试集上会比第 1 次更准吗？
decay =
    第 4 次是第 1 次加上 { $decay-weight-decay } 的权重衰减，用的是 Adam 的 L2 正则化：每个权重的梯度加上 { $decay-weight-decay } × 该权重（和 AdamW 的解耦权重衰减不同）。权重大了要付出代价，死记硬背就更难。
decay-evidence =
    | | { -run1 } | 第 4 次 |
    | 训练集 % | { $small-train-accuracy } | { $decay-train-accuracy } |
    | 测试集 % | { $small-test-accuracy } | { $decay-test-accuracy } |
    | 差距 | { $small-gap } | { $decay-gap } |
    | 仅它识别正确 | { $small-vs-decay-a-right } | { $small-vs-decay-b-right } |
decay-verdict = { $small-vs-decay-verdict ->
        [b] 在同一批测试数字上第 4 次更好（{ -p } { $small-vs-decay-p }）：这里权重衰减有效。
        [a] 在同一批测试数字上第 4 次更差（{ -p } { $small-vs-decay-p }）：这里权重衰减反而有害。
        [tie] 这些测试数字分辨不出第 4 次和第 1 次（{ -p } { $small-vs-decay-p }）：在这个强度下，看不出权重衰减有任何可测的作用。分辨不出并不等于没有作用。
       *[other] …
    }

shift-title = 平移后的数字
shift-question = 第 5 次每轮都把 { $shift-train-size } 个数字各自随机平移最多 { $shift-augment-shift } 个像素。哪个准确率会变？
shift-choice-train = 训练集下降
shift-choice-test = 测试集上升
shift-choice-both = 两者都变
shift =
    这就是数据增强：网络从来看不到同一张图两次，没法把图片背下来，只能学数字稍微移动后仍然不变的东西。训练准确率在没有平移的原始数字上测量。
shift-evidence =
    | | { -run1 } | 第 5 次 |
    | 训练集 % | { $small-train-accuracy } | { $shift-train-accuracy } |
    | 测试集 % | { $small-test-accuracy } | { $shift-test-accuracy } |
    | 差距 | { $small-gap } | { $shift-gap } |
    | 仅它识别正确 | { $small-vs-shift-a-right } | { $small-vs-shift-b-right } |
shift-verdict = { $small-vs-shift-verdict ->
        [b] 在同一批测试数字上第 5 次更好（{ -p } { $small-vs-shift-p }）：平移数据提高了测试准确率。
        [a] 在同一批测试数字上第 5 次更差（{ -p } { $small-vs-shift-p }）。
        [tie] 差距从 { $small-gap } 变成 { $shift-gap } 个百分点，但测试数字分辨不出第 5 次和第 1 次（{ -p } { $small-vs-shift-p }）：差距是靠训练准确率下降缩小的。差距小不等于网络更好。
       *[other] …
    }

seed-title = 一个随机种子只是一次训练
seed-question = 第 6 次把第 1 次的随机种子 { $small-seed } 换成 { $seed-seed }：初始权重和数字的顺序都变了。测试准确率会变多少？
seed =
    其他一切不变。两个随机种子之间的差别，就是本课每一次比较底下的噪声：一种对策如果只让测试准确率变化这么多，就还什么都没证明。
seed-evidence =
    | | { -run1 } | 第 6 次 |
    | 随机种子 | { $small-seed } | { $seed-seed } |
    | 训练集 % | { $small-train-accuracy } | { $seed-train-accuracy } |
    | 测试集 % | { $small-test-accuracy } | { $seed-test-accuracy } |
    | 仅它识别正确 | { $small-vs-seed-a-right } | { $small-vs-seed-b-right } |
seed-verdict = { $small-vs-seed-verdict ->
        [tie] 只换了随机种子，测试准确率就从 { $small-test-accuracy }% 变成 { $seed-test-accuracy }%（{ -p } { $small-vs-seed-p }）。对策之间这么大的差别本身说明不了什么：每种设置多训练几个随机种子，再用更多测试数字，才能下结论。
       *[other] 只换了随机种子，配对检验却认为差别显著（{ -p } { $small-vs-seed-p }）：二十次比较里就会有一次碰巧如此。每种设置多训练几个随机种子才能判断。
    }

summary-title = 每次训练都与第 1 次比较
summary =
    每次训练都和第 1 次在同样的 { $small-test-size } 个测试数字上做配对检验：更好、更差，或 p 值 ≥ 0.05 时分不出。差距是训练准确率减去测试准确率，单位为百分点。
summary-evidence =
    | 训练 | 测试集 % | 差距 | 与第 1 次比 |
    | 1，{ $small-train-size } 个数字 | { $small-test-accuracy } | { $small-gap } | |
    | 2，{ $more-data-train-size } 个数字 | { $more-data-test-accuracy } | { $more-data-gap } | { $small-vs-more-data-verdict ->
        [a] 更差
        [b] 更好
        [tie] { -tie }
       *[other] …
    } |
    | 3，丢弃 | { $dropout-test-accuracy } | { $dropout-gap } | { $small-vs-dropout-verdict ->
        [a] 更差
        [b] 更好
        [tie] { -tie }
       *[other] …
    } |
    | 4，权重衰减 | { $decay-test-accuracy } | { $decay-gap } | { $small-vs-decay-verdict ->
        [a] 更差
        [b] 更好
        [tie] { -tie }
       *[other] …
    } |
    | 5，平移 | { $shift-test-accuracy } | { $shift-gap } | { $small-vs-shift-verdict ->
        [a] 更差
        [b] 更好
        [tie] { -tie }
       *[other] …
    } |
    | 6，种子 { $seed-seed } | { $seed-test-accuracy } | { $seed-gap } | { $small-vs-seed-verdict ->
        [a] 更差
        [b] 更好
        [tie] { -tie }
       *[other] …
    } |
summary-verdict =
    { $small-vs-more-data-verdict ->
        [b] 在同一批测试数字上，更多数字胜过第 1 次，差距也缩小了。
       *[other] 在这些测试数字上，更多数字没有胜过第 1 次。
    }每一行都只是一个随机种子的一次训练；第 6 次说明光换随机种子数字就能变多少。要给这些对策排座次，每种都得多训练几个随机种子，并用更多测试数字。
