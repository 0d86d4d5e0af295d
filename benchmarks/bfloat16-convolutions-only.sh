#!/usr/bin/env bash
# dlema benchmark with oneDNN's bfloat16 rewrite confined to the convolutions and matrix products: every op of
# TensorFlow 2.18's oneDNN infer and clear lists is taken off them through TensorFlow's list variables, so those
# ops stay float32. Run from the repository's root; the arguments go to `dlema benchmark`, e.g.
#   benchmarks/bfloat16-convolutions-only.sh --specs linknet-lite --batches 16 --skip-inference --compare bfloat16
set -euo pipefail
infer=Add,AddN,AddV2,AvgPool,AvgPool3D,AvgPool3DGrad,AvgPoolGrad,BiasAdd,BiasAddGrad,BiasAddV1,Erf,Erfc
infer+=,FusedBatchNormV2,FusedBatchNormGradV2,FusedBatchNormV3,FusedBatchNormGradV3,LeakyRelu,LeakyReluGrad,Mul,Sub
infer+=,Elu,EluGrad,FloorDiv,_FusedBatchNormEx,Inv,Log,Log1p,LogSoftmax,Mean,Prod,RealDiv,Reciprocal,Rsqrt,Selu
infer+=,SeluGrad,Sigmoid,SigmoidGrad,Softmax,Softplus,SoftplusGrad,Softsign,SoftsignGrad,Sqrt,Square
infer+=,SquaredDifference,Sum,Tanh,TanhGrad
clear=Abs,ArgMax,ArgMin,BroadcastTo,Ceil,CheckNumerics,ClipByValue,Concat,ConcatV2,Equal,ExpandDims,Fill,Floor
clear+=,Gather,GatherNd,GatherV2,Greater,GreaterEqual,Identity,IdentityN,IsFinite,IsInf,IsNan,Less,LessEqual,Max
clear+=,Maximum,MaxPool,MaxPoolGrad,MaxPoolGradGrad,MaxPoolGradGradV2,MaxPoolGradV2,MaxPoolV2,Min,Minimum,MirrorPad
clear+=,MirrorPadGrad,Neg,NotEqual,OnesLike,Pack,Pad,PadV2,PreventGradient,Rank,Relu,Relu6,Relu6Grad,ReluGrad
clear+=,Reshape,ResizeNearestNeighbor,ResizeNearestNeighborGrad,ResizeBilinear,Reverse,ReverseV2,Round,ScatterNd
clear+=,Select,SelectV2,Shape,ShapeN,Sign,Slice,Snapshot,Split,SplitV,Squeeze,StopGradient,StridedSlice
clear+=,StridedSliceGrad,Tile,Transpose,Where,Unpack,ZerosLike
TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_INFERLIST_REMOVE="$infer" \
TF_AUTO_MIXED_PRECISION_GRAPH_REWRITE_CLEARLIST_REMOVE="$clear" \
  exec "$(dirname "$0")/../dlema" benchmark "$@"
