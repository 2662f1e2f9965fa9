"""Keras's pretrained image models (``keras.applications``), built from tkeras layers.

Each family lives in its own module (``tkeras.applications.mobilenet_v2`` ...) with its
``preprocess_input`` and ``decode_predictions``; the constructors are re-exported here.
"""

from tkeras.applications import (
    convnext,
    densenet,
    efficientnet,
    efficientnet_v2,
    imagenet_utils,
    inception_resnet_v2,
    inception_v3,
    mobilenet,
    mobilenet_v2,
    mobilenet_v3,
    nasnet,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
    xception,
)
from tkeras.applications.convnext import (
    ConvNeXtBase,
    ConvNeXtLarge,
    ConvNeXtSmall,
    ConvNeXtTiny,
    ConvNeXtXLarge,
)
from tkeras.applications.densenet import DenseNet121, DenseNet169, DenseNet201
from tkeras.applications.efficientnet import (
    EfficientNetB0,
    EfficientNetB1,
    EfficientNetB2,
    EfficientNetB3,
    EfficientNetB4,
    EfficientNetB5,
    EfficientNetB6,
    EfficientNetB7,
)
from tkeras.applications.efficientnet_v2 import (
    EfficientNetV2B0,
    EfficientNetV2B1,
    EfficientNetV2B2,
    EfficientNetV2B3,
    EfficientNetV2L,
    EfficientNetV2M,
    EfficientNetV2S,
)
from tkeras.applications.inception_resnet_v2 import InceptionResNetV2
from tkeras.applications.inception_v3 import InceptionV3
from tkeras.applications.mobilenet import MobileNet
from tkeras.applications.mobilenet_v2 import MobileNetV2
from tkeras.applications.mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from tkeras.applications.nasnet import NASNetLarge, NASNetMobile
from tkeras.applications.resnet import ResNet50, ResNet101, ResNet152
from tkeras.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from tkeras.applications.vgg16 import VGG16
from tkeras.applications.vgg19 import VGG19
from tkeras.applications.xception import Xception

__all__ = [
    "ConvNeXtBase",
    "ConvNeXtLarge",
    "ConvNeXtSmall",
    "ConvNeXtTiny",
    "ConvNeXtXLarge",
    "convnext",
    "DenseNet121",
    "DenseNet169",
    "DenseNet201",
    "densenet",
    "EfficientNetB0",
    "EfficientNetB1",
    "EfficientNetB2",
    "EfficientNetB3",
    "EfficientNetB4",
    "EfficientNetB5",
    "EfficientNetB6",
    "EfficientNetB7",
    "efficientnet",
    "efficientnet_v2",
    "EfficientNetV2B0",
    "EfficientNetV2B1",
    "EfficientNetV2B2",
    "EfficientNetV2B3",
    "EfficientNetV2S",
    "EfficientNetV2M",
    "EfficientNetV2L",
    "InceptionResNetV2",
    "InceptionV3",
    "MobileNet",
    "MobileNetV2",
    "MobileNetV3Large",
    "MobileNetV3Small",
    "NASNetLarge",
    "NASNetMobile",
    "ResNet50",
    "ResNet101",
    "ResNet152",
    "ResNet50V2",
    "ResNet101V2",
    "ResNet152V2",
    "VGG16",
    "VGG19",
    "Xception",
    "imagenet_utils",
    "inception_resnet_v2",
    "inception_v3",
    "mobilenet",
    "mobilenet_v2",
    "mobilenet_v3",
    "nasnet",
    "resnet",
    "resnet50",
    "resnet_v2",
    "vgg16",
    "vgg19",
    "xception",
]
