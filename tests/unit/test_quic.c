/* test_quic.c - QUIC Initial decryption: RFC 9001/9369 vectors, self-sealed packets, real captures, malformed input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "proto_quic.h"
#include "quic_crypto.h"

#define BUF_MAX 4096

/* ---- hex vectors -------------------------------------------------------- */

/*
 * RFC 9001 Appendix A.2, transcribed as printed (two 16-byte groups a
 * line): the CRYPTO frame the client Initial carries and the protected
 * 1200-byte packet. The packet is checked against the RFC's intermediate
 * values (sample, mask, unprotected header) below, and its GCM tag
 * verifies, so a transcription error cannot pass.
 */
static const char rfc_v1_crypto[] =
    "060040f1010000ed0303ebf8fa56f129 39b9584a3896472ec40bb863cfd3e868"
    "04fe3a47f06a2b69484c000004130113 02010000c000000010000e00000b6578"
    "616d706c652e636f6dff01000100000a 00080006001d00170018001000070005"
    "04616c706e0005000501000000000033 00260024001d00209370b2c9caa47fba"
    "baf4559fedba753de171fa71f50f1ce1 5d43e994ec74d748002b000302030400"
    "0d0010000e0403050306030203080408 050806002d00020101001c0002400100"
    "3900320408ffffffffffffffff050480 00ffff07048000ffff08011001048000"
    "75300901100f088394c8f03e51570806 048000ffff"
    ;
static const char rfc_v1_packet[] =
    "c000000001088394c8f03e5157080000 449e7b9aec34d1b1c98dd7689fb8ec11"
    "d242b123dc9bd8bab936b47d92ec356c 0bab7df5976d27cd449f63300099f399"
    "1c260ec4c60d17b31f8429157bb35a12 82a643a8d2262cad67500cadb8e7378c"
    "8eb7539ec4d4905fed1bee1fc8aafba1 7c750e2c7ace01e6005f80fcb7df6212"
    "30c83711b39343fa028cea7f7fb5ff89 eac2308249a02252155e2347b63d58c5"
    "457afd84d05dfffdb20392844ae81215 4682e9cf012f9021a6f0be17ddd0c208"
    "4dce25ff9b06cde535d0f920a2db1bf3 62c23e596d11a4f5a6cf3948838a3aec"
    "4e15daf8500a6ef69ec4e3feb6b1d98e 610ac8b7ec3faf6ad760b7bad1db4ba3"
    "485e8a94dc250ae3fdb41ed15fb6a8e5 eba0fc3dd60bc8e30c5c4287e53805db"
    "059ae0648db2f64264ed5e39be2e20d8 2df566da8dd5998ccabdae053060ae6c"
    "7b4378e846d29f37ed7b4ea9ec5d82e7 961b7f25a9323851f681d582363aa5f8"
    "9937f5a67258bf63ad6f1a0b1d96dbd4 faddfcefc5266ba6611722395c906556"
    "be52afe3f565636ad1b17d508b73d874 3eeb524be22b3dcbc2c7468d54119c74"
    "68449a13d8e3b95811a198f3491de3e7 fe942b330407abf82a4ed7c1b311663a"
    "c69890f4157015853d91e923037c227a 33cdd5ec281ca3f79c44546b9d90ca00"
    "f064c99e3dd97911d39fe9c5d0b23a22 9a234cb36186c4819e8b9c5927726632"
    "291d6a418211cc2962e20fe47feb3edf 330f2c603a9d48c0fcb5699dbfe58964"
    "25c5bac4aee82e57a85aaf4e2513e4f0 5796b07ba2ee47d80506f8d2c25e50fd"
    "14de71e6c418559302f939b0e1abd576 f279c4b2e0feb85c1f28ff18f58891ff"
    "ef132eef2fa09346aee33c28eb130ff2 8f5b766953334113211996d20011a198"
    "e3fc433f9f2541010ae17c1bf202580f 6047472fb36857fe843b19f5984009dd"
    "c324044e847a4f4a0ab34f719595de37 252d6235365e9b84392b061085349d73"
    "203a4a13e96f5432ec0fd4a1ee65accd d5e3904df54c1da510b0ff20dcc0c77f"
    "cb2c0e0eb605cb0504db87632cf3d8b4 dae6e705769d1de354270123cb11450e"
    "fc60ac47683d7b8d0f811365565fd98c 4c8eb936bcab8d069fc33bd801b03ade"
    "a2e1fbc5aa463d08ca19896d2bf59a07 1b851e6c239052172f296bfb5e724047"
    "90a2181014f3b94a4e97d117b4381303 68cc39dbb2d198065ae3986547926cd2"
    "162f40a29f0c3c8745c0f50fba3852e5 66d44575c29d39a03f0cda721984b6f4"
    "40591f355e12d439ff150aab7613499d bd49adabc8676eef023b15b65bfc5ca0"
    "6948109f23f350db82123535eb8a7433 bdabcb909271a6ecbcb58b936a88cd4e"
    "8f2e6ff5800175f113253d8fa9ca8885 c2f552e657dc603f252e1a8e308f76f0"
    "be79e2fb8f5d5fbbe2e30ecadd220723 c8c0aea8078cdfcb3868263ff8f09400"
    "54da48781893a7e49ad5aff4af300cd8 04a6b6279ab3ff3afb64491c85194aab"
    "760d58a606654f9f4400e8b38591356f bf6425aca26dc85244259ff2b19c41b9"
    "f96f3ca9ec1dde434da7d2d392b905dd f3d1f9af93d1af5950bd493f5aa731b4"
    "056df31bd267b6b90a079831aaf579be 0a39013137aac6d404f518cfd4684064"
    "7e78bfe706ca4cf5e9c5453e9f7cfd2b 8b4c8d169a44e55c88d4a9a7f9474241"
    "e221af44860018ab0856972e194cd934"
    ;
/*
 * RFC 9369 Appendix A.2: the same CRYPTO frame protected as a QUIC v2
 * client Initial.
 */
static const char rfc_v2_packet[] =
    "d76b3343cf088394c8f03e5157080000449ea0c95e82ffe67b6abcdb4298b485"
    "dd04de806071bf03dceebfa162e75d6c96058bdbfb127cdfcbf903388e99ad04"
    "9f9a3dd4425ae4d0992cfff18ecf0fdb5a842d09747052f17ac2053d21f57c5d"
    "250f2c4f0e0202b70785b7946e992e58a59ac52dea6774d4f03b55545243cf1a"
    "12834e3f249a78d395e0d18f4d766004f1a2674802a747eaa901c3f10cda5500"
    "cb9122faa9f1df66c392079a1b40f0de1c6054196a11cbea40afb6ef5253cd68"
    "18f6625efce3b6def6ba7e4b37a40f7732e093daa7d52190935b8da58976ff33"
    "12ae50b187c1433c0f028edcc4c2838b6a9bfc226ca4b4530e7a4ccee1bfa2a3"
    "d396ae5a3fb512384b2fdd851f784a65e03f2c4fbe11a53c7777c023462239dd"
    "6f7521a3f6c7d5dd3ec9b3f233773d4b46d23cc375eb198c63301c21801f6520"
    "bcfb7966fc49b393f0061d974a2706df8c4a9449f11d7f3d2dcbb90c6b877045"
    "636e7c0c0fe4eb0f697545460c806910d2c355f1d253bc9d2452aaa549e27a1f"
    "ac7cf4ed77f322e8fa894b6a83810a34b361901751a6f5eb65a0326e07de7c12"
    "16ccce2d0193f958bb3850a833f7ae432b65bc5a53975c155aa4bcb4f7b2c4e5"
    "4df16efaf6ddea94e2c50b4cd1dfe06017e0e9d02900cffe1935e0491d77ffb4"
    "fdf85290fdd893d577b1131a610ef6a5c32b2ee0293617a37cbb08b847741c3b"
    "8017c25ca9052ca1079d8b78aebd47876d330a30f6a8c6d61dd1ab5589329de7"
    "14d19d61370f8149748c72f132f0fc99f34d766c6938597040d8f9e2bb522ff9"
    "9c63a344d6a2ae8aa8e51b7b90a4a806105fcbca31506c446151adfeceb51b91"
    "abfe43960977c87471cf9ad4074d30e10d6a7f03c63bd5d4317f68ff325ba3bd"
    "80bf4dc8b52a0ba031758022eb025cdd770b44d6d6cf0670f4e990b22347a7db"
    "848265e3e5eb72dfe8299ad7481a408322cac55786e52f633b2fb6b614eaed18"
    "d703dd84045a274ae8bfa73379661388d6991fe39b0d93debb41700b41f90a15"
    "c4d526250235ddcd6776fc77bc97e7a417ebcb31600d01e57f32162a8560cacc"
    "7e27a096d37a1a86952ec71bd89a3e9a30a2a26162984d7740f81193e8238e61"
    "f6b5b984d4d3dfa033c1bb7e4f0037febf406d91c0dccf32acf423cfa1e70710"
    "10d3f270121b493ce85054ef58bada42310138fe081adb04e2bd901f2f13458b"
    "3d6758158197107c14ebb193230cd1157380aa79cae1374a7c1e5bbcb80ee23e"
    "06ebfde206bfb0fcbc0edc4ebec309661bdd908d532eb0c6adc38b7ca7331dce"
    "8dfce39ab71e7c32d318d136b6100671a1ae6a6600e3899f31f0eed19e3417d1"
    "34b90c9058f8632c798d4490da4987307cba922d61c39805d072b589bd52fdf1"
    "e86215c2d54e6670e07383a27bbffb5addf47d66aa85a0c6f9f32e59d85a44dd"
    "5d3b22dc2be80919b490437ae4f36a0ae55edf1d0b5cb4e9a3ecabee93dfc6e3"
    "8d209d0fa6536d27a5d6fbb17641cde27525d61093f1b28072d111b2b4ae5f89"
    "d5974ee12e5cf7d5da4d6a31123041f33e61407e76cffcdcfd7e19ba58cf4b53"
    "6f4c4938ae79324dc402894b44faf8afbab35282ab659d13c93f70412e85cb19"
    "9a37ddec600545473cfb5a05e08d0b209973b2172b4d21fb69745a262ccde96b"
    "a18b2faa745b6fe189cf772a9f84cbfc"
    ;

/*
 * Client datagrams from the Zeek QUIC test captures (udp.payload from
 * tshark). Expected values from `tshark -T fields -e
 * tls.handshake.extensions_server_name -e tls.handshake.extensions_alpn_str`.
 */
/* chromium-115.0.5790.110-google-de-fragmented.pcap, frame 1: 1230 bytes */
static const char cap_chromium_frag[] =
    "c400000001085a37463b0eb7cc5d000044bcfe8b5f6e1be3c8d18f57bdba5ad0"
    "5615d2b5dd2fc7ef84e9548646de72a43b2b14dd612cae2265eda38503ade12e"
    "ead716b17ba31ace13b55bddd1de3372b11934cb72aa14ca0ea455fb41c11de3"
    "7a1ebe45e034bceb7901d82cc67a1ada65c569d4f7c29330902838fbb9c44122"
    "c8c4262e272708147cd166915984f949d6b273e67cd52682c6fa9ad14f04cf9d"
    "4f222505d2d3656cbfdc32b2fdd295bb8a7d3cc6f34ba2c56102d1b26f905ab5"
    "cad58320e4a29bd50c04dd3e77238689671e7bf5b151c12635b76dc34fe45f46"
    "24f1aad173b6e6ca52ed37c703343ad19f3aca280ac3819ba8367df4b65b7994"
    "08f1da977e514be720356a4cf8f0e97e5c9c16ed8bf6cbc433d1b02acbed6c01"
    "83a993d050054832d72944358fc883e99f421777b2d565e134cd13119c6dd3f7"
    "70e30125b32686f10f06866f52ffb145e0507fb7154ec73173e9814f4f6bda60"
    "05602301c563ce6eae7564f2ec723c9bc85a6b1fde7fe41121dd964dcf50111c"
    "7c0a255df8d17514ef90348d36a8a3221e8fedaf14a2b1996460eb9676ae42d2"
    "cdc75ab3c8bc1cf752c9f68286352b5adc9d0fc6f0a4134302cba77d6e0d887c"
    "b05ff5a902b383a1f19936b238a5b82732db5488534a3b6b2c134ce1044df470"
    "e5a25a4fa83ef382bc4a42c987d6cd7f182a5bd1848161afe928a04f7e42e7dc"
    "12936fd4f856a5fc81bb5d63d3aa2e0ca2a2e822bd70f003737c78de44b17eb4"
    "a1dea6fc8193756527b100d2009e60940146d98db739b7b36ac9f38c8e634a28"
    "ce69055680fc104767b01decd2b0990be8a182e398fd4b2045105129f343bfb0"
    "28f04ef11a47c77646a00ec0987ffe6755afbe29d3f3fbbfaf5d134bfc408a41"
    "a26176c0ad46dc9c4ec8ad5957db4d7ccef68d392f34daad73c85869218a7263"
    "fe2892c4d0320079747f2512aca12f6382a77520142e0e10545e423af5eee505"
    "2b3da058220e17ccd8416cc0b3ebca86f47640da800b0787d358313a39cd15ce"
    "b5425f8053bf2d2f3c0860d448149ec461433fb1043ea4895c52b21fdfeb28bb"
    "c576c61743fbdde00229c0cd6965de4a44e5948998a648151df575cf967b83bc"
    "492b3fad1412185e046223de7d2d1547274167f51e808c11d930c94141939099"
    "cc5b9689b272f9e0b34a8f7809aad8f88a349f95b20be59a5bed9e0fcaf8fa03"
    "33d46de8710b3cd8af5548c19b61a4f2a1c6ecebdff8b2ab6b9381ef7981d413"
    "a392a47e9fc89b87fec31bddd4443c8bdab8f36dd079f8d66f00c16911becad1"
    "d402ca636b1930c90d3fbcacaf656a82b7df1ff2515f45d50791f80021d52474"
    "be9fe021aac8b7bfc678b3b99119dcbb670de7752d1ac60312c656ee4285a090"
    "3588d36df939a2033fe8f0895d95312866f1511cf9744d4017328d25e2c8677e"
    "07b57e616dbf9ff0324bc9c55a92db72a43e6109e1d28f7811db5366b6d3576e"
    "4f8935acbbca8909c3096ac096b2456a7b08c7692f085654eb2201e64a3472f7"
    "0dc19aa69f1384274a86874aeac60c2803ba4cd9297df2ae24c91cbf36bfe058"
    "88b6952cecb2c25ff70a3b457cc7157092b58ba478862fe00a1f423d2f2edfdb"
    "c044e8c74184e02767d1332933e6ab45b3844790fc72381f1115f450d6018533"
    "2b970e14d4106b7d59eccd9fc5cb519676396d3d5a87203f23ff41690a215fa8"
    "69d223d770c0fca5081a0a97963a"
    ;
/* quicv2-echo-443.pcap, frame 1: 1252 bytes */
static const char cap_v2_echo[] =
    "de6b3343cf0ffa603212c8688817af3d3238735bc7000044cb5b2052825b3178"
    "017131993f51bc27b49ddeb85045fcf6d7f47144311740ccac10d8c7ab9b8d25"
    "df19cd052ae63a95ddddfe0851a7f729ec08b3e56765462a158846819c737bc7"
    "0be5046f1a92ae5f7d55858eb091429191f0cfec597b206408a38bad9bc885a6"
    "c7e520dd48fbc04c0c788138c5abc4a64ab37bd36f75bd1e7a41625c8e700258"
    "ad0df46ca56688911844410b5c4eadf7488e79885a3b6a8dd87a876f6fa5758f"
    "13236419c9eb593c12d7b59b106637e50fd1d1446a8a6603778d3b005a7e58d4"
    "f46dea8941338288cfb756d757bbf0ff1c91f6b484064b189a994081cca70189"
    "39559a24bafb39d2836e302378c1cf324c2c2cf8d827fd2c022ef4d64f2674ee"
    "93ea8e4c2c4c8adfe09b27266b5fcb85c10b2ad011e4db67d314f3d900aa3868"
    "10fb009946e37e9ffaaa827fd632fded77e05903c063bcd9240b72eb63691e1a"
    "da2ec22b45a8001be89edb11674ed5030ca674bc31f6f11ec7387e17b91708f2"
    "c0521cb829a44ff180f7c7238ede57ee07909547b1deb48005a340bf0f119fe0"
    "bb3be26bedc565fa11942ff44e8bcebd4a21510d6393032424aff0062d464db2"
    "6cfbcd55d4f0901095f4a4420b1f96de7cc5b3b2340a430860c4cb468f3af0af"
    "f4d78fcd518a08bce5f7a29ca819a700dd292ccc8e2a785a1242f6de9312be3e"
    "e5ca63a377c344587d44635caff039c94b858b2ab24e81ee32ff57ad27e30089"
    "f7f235b449629acb242e3d76edde23c8e4856a5ed2bae98642b810d49cc79ff2"
    "9b3f3b2ba9dc46348b9a30041d30acc842a2a4cfd7b46d8a4739a75bddbeac24"
    "e41e564b53c4ebb82a0b1fd0c9e17280667df945fd8f87c26822bc2a2669aa98"
    "a561fe3ac660a17c5a248ebb17d07037e9679b4865a1518bb22390b818ad6e37"
    "ccb2ed8d478728cec0357b90f8e4e26edc3656e455549f7979d365b5ba58b110"
    "51b92015c7d7fcec27dae7b382d5ed01c6faceda52499f54a1b2f4699e2d891b"
    "3bc0a5267897f4773f0c1e4b1064f77b9e54aaf2c0547e4277849dc800035601"
    "fbe5bb6c5324ad0b3e280869aab676134c188af31e71c7fab6db8a29f2322562"
    "95778e6145695f8305867ff6c8ea90b7aaeee7139ed4be3305a006e127866a74"
    "1819507463e1c54b1ab5983225abfefe7e2e85b4bbd08120bb85f63762af2bbc"
    "325c2c6b77e97370dfeb1c2f679e822896fb89ec87af5cb326801554aa391f3f"
    "9bc61d7e2ec9998054d27a27402f896151b6c5ea16143d35eaf308282564936c"
    "0e7d9b76c56bd7075716d2d322a72119a5a55c8142efd778528033118f411d91"
    "1338ed2e308aaf80fbf7ffaa68700a69f3e7eab8edf459101a1c727e553298e4"
    "67b5c226e318296268ddc21d5e4d6ef71fd319e822131fec5b037055e312bdde"
    "8229e023c66e76082ef7d4c20dc9b8bd7d692cea5b02a43b95fb04189b150b2b"
    "c91c0fa96a4f9cad95b3b7bb2322573453b4df8ea177b1a29e7467a82f6b1601"
    "927641cfdcb4cff6e48bbc83f0c6afe91ce9eb09fb28d49c17929737b7939f40"
    "a4aba13d49f95c1355339299f69cb38224691fddece44d92717b85c2634ffca2"
    "be7ce1d1da982eea9f61130775b5e53819270135680e3c08fc8f8fba601bf411"
    "a1a4123f933f6ab1cc766a2d061ff00290de2038eed8d5e2cc0c87a4b598f236"
    "1802d627eb1f471c76b36b103ea7fab5a038d997a5ccc0488e0e9cff18b48a71"
    "70ac7d9b"
    ;
/* quicv2-http3-443.pcap, frame 1: 1252 bytes */
static const char cap_v2_http3[] =
    "d56b3343cf0cbdf0c5b27927cc667e58d95b0471b8f3f40044caf5352eb624e7"
    "4dceefcaffb36923edc3b28ad4176bd6a63a7e49f368a475754dd9a580b6b281"
    "2a450a22c8b71ebca9ee15157ede7406bf04b5f6340b6cedea74c8cfca8d36ce"
    "f7c6b92e60184ff192c1f7187adfc30cc3f63900a5a19c841848f3f2fd8dce9e"
    "851508ccf4e696b9ceb6ce4180a7f75bab0e7d74d98280f2bc7326e82dd977fb"
    "1b6970ea23c561fcbe96ef2423c42bb227100c92fc4c3ccb14a7c8ff0b8e8b35"
    "cb419fdea4ccef726caa337211d1a291beb55508885d448b69309f5da8f95570"
    "5291c1d53d324b0663bb8b13949362acf6d7bedf022e2a83553bbc17e17274cd"
    "8b6ca4c0a2b12866bcbc5afcbe3404a16b7af8dec7de1bc34acab2dd2e264dbc"
    "04647e6a81a5db87428c072eb04679ad4774a0c00a0416945f9cd495f1b53bc5"
    "9856b7756c9e5eaeab7f510a83850d3f836d9ce184c637c5f1e8feb03b55c162"
    "f02bc2f4a7500b150bd51ef1468f453f3a7c4b73e192dd9e5c254b4610bc365f"
    "637fda89598c7767d688721b6f62b91bcf4e3fecf5fd6b9a03803b6c53b862cd"
    "25ba83dd16a39c917b27c386c2405b70c8ba8c3a36afedf7860831f5285c2ca5"
    "5d6ebffafea0599db544aacc9416afb978d8fbbcaec5ef62b9a32a8449b4e69b"
    "752e111d00e2163c0a4663cdb34e74e47695f9e68eba6678b90b82f2ff504126"
    "f2e7038b79396a31c6a358ee8bb29d2213803a858d96988405bf25455c52b987"
    "642e0ec6ba103d6a850d55e9ed130ddca47c78ecd35bd071fec73c8e179d2ba6"
    "ff7b7ccf8648c5c92c7b29d80f79014183d89fd3844a433c213e8f6343979a55"
    "0ec3b8ffe5744c4075d5f6b254a61cd5e08ec0b8bc4a6532f427aa2f8d924ddc"
    "9ac2a2e2b6229ed9971a7655b43159896c83d15cc9768372d4841abdfd88a97e"
    "90d0335f9531a6694c86389ccb9134857f014138aa02aca4d6e62b7a7119a8cc"
    "41f1e8633ed2eed1dc90eef285230c855ec993d4597e401c87141194fca7e000"
    "e2bde56fa23dee40297fe1ae95ece055b9f527e9dc3248ce59ab8a3a7f083980"
    "6c91c3c56dbd5d423b503e4794d0441cbcf95544cf566d11ec2d9bc02d1d56ee"
    "cbbd126b8e0a387d5d769aa252318179d8a1e42337cc2c8bab1153bdd849a489"
    "2a48ff151da4a47d646e1576e5c361d68aae956f7bfae5c48d158e235c58a3aa"
    "901e5773fd09d5eeb49cad86546c151e32b8be80b6735ab3bba1b73460912451"
    "9b273a7d35988d5a8b80478bda00accef82a3f3645d1d67ed3fa6cc07ba169cb"
    "2f2964e870d31ffc96b8b03b062e5053b79410b93753c962a3bcbf9c4d7b2bfd"
    "7b76715b66a4d25fd15211fd2a9a65d59beacb02f7d2b29c0dd42a263802a8b3"
    "c83578445061daec6ae29911c54f3e088958dfa10e73d8c2256de3e0edf52393"
    "3886771c13561fb9391ac365f0300546103363f652c72aad16e514001dd87587"
    "a6d7de57cea4b94921a970ef3a36c7112e07648bd9d2db67530f34cd81ac5eab"
    "a6273a505adea9e458464daa952429882e444f1273b7e257151d683e15054f76"
    "c4e5e04247609235872a4aa71df046e62f4b9073c4a65dd92758ee1b97a02456"
    "f4ca0742369fdffd3546f4df4a0e0c098f825d777c01688a6d57a2f9077681c0"
    "e92789d7505fbcd41411f5d709dc6869e4b15d1926cc75d0a18f5a127def095b"
    "4843562abde8c968f23d322c13c40e6b32450f8a6232e19a7824ee4d9261015f"
    "46ab7d4c"
    ;
/* quic-multiple-initial-fragmented-crypto.pcap, frame 1: 1230 bytes */
static const char cap_multi_1[] =
    "c400000001085f6d2fa7a8d4074200404600e1c4bdd72c1dd5b8328b1d7721fd"
    "92bf4b4e0102bb377d3dccf535bbc70219cdadf28976920d9e13ad628d93a2c1"
    "da77e63717a37d265acf4d8b70a6142d1b99983b3a5b694475a42c3c47d8e779"
    "460076dd107f0b3412bc2691daf21c20f30bf21a77e17d89daf33d70ef2818e1"
    "2e0221ddfa649670678202a3bf4b44ec9ac91d78c142e080b5e16ea0f2c29f87"
    "57b24d4ffd56fd219f0b54bbc059fd261ab54fda1bb170a92280edee7ad84686"
    "85f854384fab37d732bce4898ab2552bbd635cc3ea8c5da37c80b3b1b5c19ccc"
    "78ba9eb5cc50f35dce7b4bddf1bd4479a9150dd72cc398418315222b2086fe93"
    "a7f075a9ed92b87234a1f53c8c9dd6e5df1c5eaeb8491efce80462e5d488545e"
    "0e2947ac5e8c5b8bf73020d41f0e492ff63c92e8b3aca358e68d1251bd2fb34a"
    "ca75fb4d51bcec9a18caf279c40df1bfd4594ede394f2868afff1e7153a0d924"
    "761d1e633c37b2482a7f1bcfa3dde1917bef8d65e6c0de4cdc3b53e8120df4fd"
    "ad3617060f434ddeb84166e7b1d35944a307adb4c1dffc7480a35f95a2b5845b"
    "4c7160b9b5c189024b1309f503093afe853e503bfc3f55695d72cd0cdb3d6a4b"
    "8d2fb8b840b4ec4a46620515c4e2201e7ec408fbcdf4894b132520bd58d0d6fe"
    "d2dad277d60ec148feee7f994871481a46cd27b484912c5d4766e9653135ff28"
    "9fa9d8eae0d2630558b7a2aceba7852abc544d780f07ff6eeeed94cbe379eb6b"
    "4a77e54850d03984751817eb87ba7f100a18d0855e4bedc583337c263f5002f7"
    "652ff1d6eb0bca27c60b646897eeca62f24b26494a87ef974f1ac7453b24698b"
    "662f749d0ac7088541fd4b48fee85466ab7d90dee40604824b23669d82d44c72"
    "1bc03d0877736daa07d00425c0295b543508efa7d6171293c969c86418a03879"
    "885e09d22b9eb86aa6cc4c2681c56c294e4dd1e01d7450ae172ac6168d43b372"
    "e126574329ffba98de8a7899e2d7722944e54dc981a07327f103b09bc069321f"
    "f4dabca7786c878656b6797c4ef1ed9edbd59365f62952df65de74eadc049b77"
    "cbb2a735ac5318eb65a5b94713996e9c7867faa0780a0a00e2fd287bc5a412a3"
    "4612226ac29617ad0a476f81db930b4839f87969b398719913000f42b74b7f07"
    "0fb23db03d19b2fb0eaeb1712739f09a541f96022e1e1ea62df8acc0d9ed2854"
    "646a3b6f183ee91a9b436ca18ff41e93ee2d81ea8c68bad133221c80118f88dc"
    "3c5041d9a09c41a8742de1576933c63d149f526396333d1b825bad437deb3117"
    "00c6fa0a4f3124096a45f6667c44f5c9c2feaf223c02e43d2a77606a8428e54a"
    "4cb8140b99bd6c65aec054b6fa643accc86c956f7e90e487ecc972cad9b2701a"
    "ba474571b401ecf9eb2e8287ab3ba938fca209b956e620283b4003209bb8738e"
    "5e2171a9ecf16352c5b6e79b975b3d497f241913a2ef2e6ef3b89ad6622d5da9"
    "f9b710c847858175ca6b9da1629a1a4fe394b887501e562dce654cfe0d11c400"
    "d0bf19323dc1c05fd3d5e54e76fe48b4e13a185b64964571b6d3cea4dbfd3fba"
    "12390871c18f1a08f7847fad838a097146782a66b745c17f81e188e23a3a51b6"
    "e124e17107ccff447dcf576aa3e43aad22f5e07b7f3e126f2bad25499bcc1374"
    "e4dcbdeba8544ee646b5a857b3d84b9915a958159b07d688f2e3f02ce1f1c08b"
    "2b6f2ae9c55ac54b9da4b3e99a19"
    ;
/* quic-multiple-initial-fragmented-crypto.pcap, frame 2: 1230 bytes */
static const char cap_multi_2[] =
    "c900000001085f6d2fa7a8d4074200404600e1c4bdd72c1dd5b8328b1d7721fd"
    "92bf4b4e0102bb377d3dccf535bbc70219cdadf28976920d9e13ad628d93a2c1"
    "da77e63717a37d265acf4d8b70a6142d1b99983b3a5b694475864588d3e488cd"
    "211075c4c5bc874d0e15bdab0d980dd5baca382b12a5c97d8a86a479edbdded0"
    "658690cb829ae7ecba8fc26e698ac09b57f0baa2885c67ebbfa3086be024013f"
    "5fabd8014277fc554948c2933d1a5f6781478c4b8839d9d73d099834fc47480e"
    "d9b9ee687305da1a26bfca5e8f8dfcb693b28b4daa2b14d66b5888d60efd90c8"
    "46880d3df2707be762463fc297e17baab1b3039c445c067d65e3cc43a3b3084d"
    "7dc4385f48d3a77205546c28aed521c947b9d57678b2c1c2c171f62f8eb241be"
    "37a87054972130ef357370414079563d23e53ad987d4db55aa4f4344b25cf0ab"
    "c7760bd662be1f6b1ba962a7568735ac8d24b998c5f16e4a68b3cc432a1079f5"
    "5c0fe2b515ed013af75ed812eee099018014cdc106a76023ab21d56fe77f2368"
    "a9a660905e06458461d45c374b41f8b0985c0631765b66ab50c1b02425e7e7c5"
    "5a2468842c7a0942c639925a1d39136fd86b558af00612815cccb900e1679d4a"
    "9461dcdc0696e5697904854d73e2f5939d78336e4ee9f79c10d5b8909e3c1ad9"
    "b103b8c649e3d194c9fec29f5768e9dc23e33fcc6b28c0740dc6c20f90de36bb"
    "bb2b4461e76eb69571cf21b787682e34a50e5c8f5276fc1dc5fbb735ed4b4fb8"
    "6706eb1fbada16e157400e28df7da22fa0339fe28c1a8fd282f558aa7b5f80c1"
    "61876c93b89b3ef3baf7663de9e53445cd617d618623a6ca228c4bb249c64d92"
    "d2a2db74c537be539a6edd3da890f3850f04a429343a2451baac85cb1a5eadec"
    "ad445bd9fefd10c5280916a7e3936f5f2889906909522d4b892316acca67337a"
    "5ce0ee290fd2a9c9348047cc67bc9f37756d2c15b412cd3a8edf89461058bb86"
    "6a11f89f612ab0d723e7e51e0add0ff890abd384827736f46a30411f71138915"
    "f9a524f8572cf5db4b94d5370aea76fc42d77793e9c258fa382f0ecf8dda548b"
    "4f9f589d25e79340930245921fab884e876b1f9a5d81ef40fe833ffcf844fcca"
    "7251f5aaa6111619ddb89a1dc9be0b2d73ceef53a116d26a0367eb85cb0aabd0"
    "c51c9f2c072227461ab972961aee41e22b509577a920388d7bb928146cda34b7"
    "a1698fe1bf3a62db34bf548e70c6e039a251bea68417b6d33ed2a45612e2ee3f"
    "6cdf880adc2068878b6b3552bd8d7025146f8f6a14e92a7ef154840a22c7e977"
    "aa5a9cf2986d029f2022a53e2c882c64154c24d4c45507da8f73415c127f591b"
    "1f8c8a0e5bc4652cd340aa5c3697fa59529b63d74b82c5e3f5a9018cf9f73f82"
    "64952213d018cf23ddaee2290e67f0c20361cea24668a4dfa7c5c64893bbae32"
    "43d220f50e7faeb9d3cd0a05931daa1cfa9c06798e4610a0eb9c2027dcd36ef7"
    "194d237c9f9c5a89aafadfd1472ee6a286222b2b6bfc3df1613264e3aaacee66"
    "8c348568fb4d1367a439590c8af1bf4417138510f993e9db1172938eb8e0f8e7"
    "8e20cb5f2e651ff64aa5bb0e926aaf057c041d625e1fb2b8806536a7a681ac84"
    "2780f4d43a7fc1342bf5252a7ab68f81393febcfc5746d16a0a9e0b389b3c04d"
    "fb4bfbb3c5f3ba4b7b04498fbbd67606356540ca713df4d7b3325e93699b6c2e"
    "99885c40b7b61bcd6787e39e91c5"
    ;
/* quic-multiple-initial-fragmented-crypto.pcap, frame 3: 1230 bytes */
static const char cap_multi_3[] =
    "c900000001085f6d2fa7a8d4074200404600e1c4bdd72c1dd5b8328b1d7721fd"
    "92bf4b4e0102bb377d3dccf535bbc70219cdadf28976920d9e13ad628d93a2c1"
    "da77e63717a37d265acf4d8b70a6142d1b99983b3a5b6944757aee6aa235a9f3"
    "8713da6c2a1c9b314e7dac19e67b4bea39fcd668cfc967206d4f6f56037e1f3b"
    "970d93640d7dc6f5fc38540a6bda51e612253a84f152e28a7d25e9756390594b"
    "b1f27ca5b6f4e44150ab549d4ea0930394d132faad7e68f4b1011f09479c08d8"
    "bc126d63f7a20ac0c6c5121d1b02c1824e156d919ad156fde1ae8798d8db022a"
    "c78af6394b9f3730c7dd47c9812eba44272d8b76ac68dc0a4c22198463d5f402"
    "ae082187c5171691c98bd1ee626f973c0fcafa6f52042b2f55d0b269a39dc232"
    "ae3221c3603d424ce1eaf4cc5ea52041168bdf57f69712e7f03a6421362e6422"
    "f4fb9f343bafb4b61c027a2f2cf5dfc4b0423e72b925dea853c7f4b0e5240e22"
    "6f4497587eeaadc9e7c675fe0afe8a74b8a55767a78bc80fac0923c69f4865e7"
    "519f46109f94cb61e13751674dce0cb84821b12948f98e1314a5e9c2d96763ef"
    "289ba82df800d164923eb9ad8e22c8dc3c60d4d76ab2c4e979d4d5fc60a3df25"
    "8731066471c586a8836047f693ff958bfeabff33802fad67fb278b3ce97ffa02"
    "b9171c6a7b928ddce25baefc6f149efe10fa39742d3ea3e6da2fab0c7e61c7cd"
    "a5eea0c83c6009c1f594d5fd2df51f25619b7f3b5abffc5959eec816a2137651"
    "ae5b2740c107c8e91637c7c589ae5f285915d3d25afae37038d0e5b95e51aae6"
    "6b80791a9514908e12ea314a21bab187db419fdd8a0e7fd82982fd09d5d28530"
    "73968168cb0d6cd5421d922f1ecfc43139877e42cb950430377d96e58c382c7d"
    "e254b1b9b1fbb4ea18c211f164c7a2d6de83ee5dd97627b7cd6d4b1fc3b90328"
    "067d52a0ad3cf44d94cfc9bd159722a4b95340f35e5328f9b0f746320bced3ce"
    "e36ef1b5187e6ae4a8641dea3bfd16e7d9b134f49649b9027d7dc9daa0ba6783"
    "1f360a832e7b3bc562b83be09aedeaca6d5ec87b232c28a5a9938447cdeca2e3"
    "7ba428333bb4d032f473c1921c4a48796bc59ab07864918e20c8ae546e215dbb"
    "0e5c33ec73615a188a40f86cafd042dd32c71ee75dbf7447bd6a7a084a3ea490"
    "d47d504ea9313b61baa19a3d2f3be628abef1f238f5b3b12875aea8906a7c1af"
    "170581a71b8d9a4329fc378bfae891d8f7152847fe00cfbecefc2f9d5014de5b"
    "19f4afdb1629b62b0b7b1a6086455a4f4d1e9b64fde0715fc6423669f37675c7"
    "55388d916a0b1fcc630f7680ea65b6a3c987462aecb1395cb02dea4c19ba3370"
    "d71c98f2fe9cb2d98db73877a8b70dc755ef7a420dc9457a15a0514693739ad3"
    "7610c5d5a212f1b24a3700f0fcba35deeebe6ff7ec38c0ee75003b28690d6bf3"
    "ab073843e253369419e2b570ae0f26e5719dde483d61229e53fe2c3f2112ddbb"
    "0845d73c2817a359edaef4201b8d8b552eb5e383c61822cced436059ee5fcc77"
    "0f537453f937bd70764f6d9c34f31a430ab2bd0fd9425b01f93bfb9a6a0dd75a"
    "2d1436f368ef290ec882889b3ee2b08064728a6aaa322323bd457d23601d9716"
    "ec5fa4a9ba1cb160b41dc3e7f140e6d6bf837239a6bbc13ab4456c8ee61001ce"
    "64b4cf63ed5e106f8c0399a9f786d054116254121008906dfd3db01096526760"
    "d02a6a25b2a65446879cc27562e4"
    ;

static size_t
unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *hex != '\0'; hex++) {
		if (*hex >= '0' && *hex <= '9')
			v = *hex - '0';
		else if (*hex >= 'a' && *hex <= 'f')
			v = *hex - 'a' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		assert_true(n < cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	assert_int_equal(hi, -1);
	return n;
}

static void
assert_hex(const uint8_t *got, size_t len, const char *want)
{
	uint8_t w[BUF_MAX];

	assert_int_equal(unhex(want, w, sizeof(w)), len);
	assert_memory_equal(got, w, len);
}

/* One fresh flow fed one datagram. */
static enum vg_parse_rc
feed1(const uint8_t *d, size_t len, struct vg_tls_hello *h, uint32_t *ver, struct vg_anomalies *an)
{
	struct vg_quic *q = vg_quic_new();
	enum vg_parse_rc rc;

	assert_non_null(q);
	rc = vg_quic_client_datagram(q, d, len, h, ver, an);
	vg_quic_free(q);
	return rc;
}

/* ---- RFC 9001 / RFC 9369 Appendix A ------------------------------------ */

static const char rfc_dcid[] = "8394c8f03e515708";

static void
check_a1(uint32_t version, const char *initial, const char *client, const char *key,
    const char *iv, const char *hp)
{
	uint8_t dcid[8], is[VG_QUIC_SECRET_LEN], cs[VG_QUIC_SECRET_LEN];
	struct vg_quic_keys k, k2;

	assert_int_equal(unhex(rfc_dcid, dcid, sizeof(dcid)), 8);
	assert_true(vg_quic_client_secret(version, dcid, sizeof(dcid), is, cs));
	assert_hex(is, sizeof(is), initial);
	assert_hex(cs, sizeof(cs), client);
	assert_true(vg_quic_keys_from_secret(version, cs, &k));
	assert_hex(k.key, sizeof(k.key), key);
	assert_hex(k.iv, sizeof(k.iv), iv);
	assert_hex(k.hp, sizeof(k.hp), hp);
	assert_true(vg_quic_client_initial_keys(version, dcid, sizeof(dcid), &k2));
	assert_memory_equal(&k, &k2, sizeof(k));
}

/* RFC 9001 Appendix A.1. */
static void
test_a1_keys_v1(void **state)
{
	check_a1(VG_QUIC_V1,
	    "7db5df06e7a69e432496adedb0085192 3595221596ae2ae9fb8115c1e9ed0a44",
	    "c00cf151ca5be075ed0ebfb5c80323c4 2d6b7db67881289af4008f1f6c357aea",
	    "1f369613dd76d5467730efcbe3b1a22d", "fa044b2f42a3fd3b46fb255c",
	    "9f50449e04a0e810283a1e9933adedd2");
}

/* RFC 9369 Appendix A.1. */
static void
test_a1_keys_v2(void **state)
{
	check_a1(VG_QUIC_V2,
	    "2062e8b3cd8d52092614b8071d0aa1fb7c2e3ac193f78b280e72d8f5751f6aba",
	    "14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b",
	    "8b1a0bc121284290a29e0971b5cd045d", "91f73e2351d8fa91660e909f",
	    "45b95e15235d6f45a6b19cbcb0294ba9");
}

static void
test_unsupported_secret(void **state)
{
	uint8_t dcid[21] = { 0 }, cs[VG_QUIC_SECRET_LEN];

	assert_false(vg_quic_client_secret(0xff00001du, dcid, 8, NULL, cs));
	assert_false(vg_quic_client_secret(VG_QUIC_V1, dcid, sizeof(dcid), NULL, cs));
	/* An empty DCID still keys a packet (RFC 9001 §5.2 has no minimum). */
	assert_true(vg_quic_client_secret(VG_QUIC_V1, dcid, 0, NULL, cs));
}

/*
 * The A.2 steps by hand with the internal helpers: sample, mask,
 * unprotected header (RFC values), then the decrypted payload, which must
 * be the CRYPTO frame followed by PADDING up to 1162 bytes.
 */
static void
check_a2_steps(uint32_t version, const char *packet, const char *sample, const char *mask,
    const char *header)
{
	uint8_t pkt[BUF_MAX], frame[BUF_MAX], m[VG_QUIC_MASK_LEN], dcid[8];
	struct vg_quic_keys k;
	size_t len, flen, i, pn_off = 18; /* 1 + 4 + 1 + 8 + 1 + 1 (token length) + 2 (Length) */
	uint64_t pn = 0;

	len = unhex(packet, pkt, sizeof(pkt));
	assert_int_equal(len, 1200);
	flen = unhex(rfc_v1_crypto, frame, sizeof(frame));
	assert_int_equal(flen, 245);
	unhex(rfc_dcid, dcid, sizeof(dcid));
	assert_true(vg_quic_client_initial_keys(version, dcid, sizeof(dcid), &k));
	assert_hex(pkt + pn_off + 4, VG_QUIC_SAMPLE_LEN, sample);
	assert_true(vg_quic_hp_mask(k.hp, pkt + pn_off + 4, m));
	assert_hex(m, sizeof(m), mask);
	pkt[0] ^= m[0] & 0x0f;
	assert_int_equal((pkt[0] & 3) + 1, 4);
	for (i = 0; i < 4; i++) {
		pkt[pn_off + i] ^= m[1 + i];
		pn = pn << 8 | pkt[pn_off + i];
	}
	assert_hex(pkt, pn_off + 4, header);
	assert_int_equal(pn, 2);
	/* Length 1182 = 4 + 1162 + 16. */
	assert_true(vg_quic_aead_open(&k, pn, pkt, pn_off + 4, pkt + pn_off + 4, 1162,
	    pkt + pn_off + 4 + 1162, pkt + pn_off + 4));
	assert_memory_equal(pkt + pn_off + 4, frame, flen);
	for (i = flen; i < 1162; i++)
		assert_int_equal(pkt[pn_off + 4 + i], 0);
	/* The same with the wrong packet number must fail: the nonce depends on it. */
	len = unhex(packet, pkt, sizeof(pkt));
	pkt[0] ^= m[0] & 0x0f;
	for (i = 0; i < 4; i++)
		pkt[pn_off + i] ^= m[1 + i];
	assert_false(vg_quic_aead_open(&k, 3, pkt, pn_off + 4, pkt + pn_off + 4, 1162,
	    pkt + pn_off + 4 + 1162, pkt + pn_off + 4));
}

static void
test_a2_steps_v1(void **state)
{
	check_a2_steps(VG_QUIC_V1, rfc_v1_packet, "d1b1c98dd7689fb8ec11d242b123dc9b", "437b9aec36",
	    "c300000001088394c8f03e5157080000449e00000002");
}

static void
test_a2_steps_v2(void **state)
{
	check_a2_steps(VG_QUIC_V2, rfc_v2_packet, "ffe67b6abcdb4298b485dd04de806071", "94a0c95e80",
	    "d36b3343cf088394c8f03e5157080000449e00000002");
}

static void
check_a2_api(uint32_t version, const char *packet)
{
	uint8_t pkt[BUF_MAX];
	struct vg_tls_hello h;
	struct vg_anomalies an;
	struct vg_quic *q;
	uint32_t ver = 0;
	size_t len;

	memset(&an, 0, sizeof(an));
	len = unhex(packet, pkt, sizeof(pkt));
	assert_true(vg_quic_is_initial(pkt, len));
	q = vg_quic_new();
	assert_non_null(q);
	assert_int_equal(vg_quic_client_datagram(q, pkt, len, &h, &ver, &an), VG_PARSE_DONE);
	assert_int_equal(ver, version);
	assert_true(h.has_sni);
	assert_string_equal(h.sni, "example.com");
	/* The A.2 ClientHello offers ALPN "alpn" (00100007000504616c706e). */
	assert_int_equal(h.n_alpn, 1);
	assert_string_equal(h.alpn[0], "alpn");
	assert_int_equal(vg_anomalies_total(&an), 0);
	/* Finished: the same answer without work, even for garbage. */
	ver = 0;
	assert_int_equal(vg_quic_client_datagram(q, (const uint8_t *)"x", 1, &h, &ver, &an),
	    VG_PARSE_DONE);
	assert_int_equal(ver, version);
	assert_int_equal(vg_anomalies_total(&an), 0);
	vg_quic_free(q);
}

static void
test_a2_v1(void **state)
{
	check_a2_api(VG_QUIC_V1, rfc_v1_packet);
}

static void
test_a2_v2(void **state)
{
	check_a2_api(VG_QUIC_V2, rfc_v2_packet);
}

/* ---- packets sealed by the test itself --------------------------------- */

/*
 * An independent sealer: plain EVP calls with the RFC 9001 A.1 client keys
 * for DCID 8394c8f03e515708, written from RFC 9001 §5.3-5.4 without the
 * code under test.
 */
static const char a1_key[] = "1f369613dd76d5467730efcbe3b1a22d";
static const char a1_iv[] = "fa044b2f42a3fd3b46fb255c";
static const char a1_hp[] = "9f50449e04a0e810283a1e9933adedd2";
/* RFC 9369 A.1: the same DCID's QUIC v2 client keys. */
static const char a1_v2_key[] = "8b1a0bc121284290a29e0971b5cd045d";
static const char a1_v2_iv[] = "91f73e2351d8fa91660e909f";
static const char a1_v2_hp[] = "45b95e15235d6f45a6b19cbcb0294ba9";

struct seal_opt {
	uint64_t pn;
	size_t pn_len;       /* 1..4 */
	size_t payload_len;  /* frames padded with zeros to this */
	uint8_t reserved;    /* reserved bits to set (0..3) */
	const char *dcid;    /* hex; NULL for the RFC DCID */
	bool v2;             /* QUIC v2 (RFC 9369) instead of v1 */
};

static size_t
put_varint(uint8_t *p, uint64_t v)
{
	if (v < 64) {
		p[0] = (uint8_t)v;
		return 1;
	}
	if (v < 16384) {
		p[0] = (uint8_t)(0x40 | v >> 8);
		p[1] = (uint8_t)v;
		return 2;
	}
	assert_true(v < (1u << 30));
	p[0] = (uint8_t)(0x80 | v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

static size_t
seal(uint8_t *out, const struct seal_opt *o, const uint8_t *frames, size_t flen)
{
	uint8_t key[16], iv[12], hp[16], dcid[20], nonce[12], mask[16];
	uint8_t payload[BUF_MAX];
	size_t dlen, n = 0, pn_off, i, total;
	int outl = 0;
	EVP_CIPHER_CTX *ctx;

	unhex(o->v2 ? a1_v2_key : a1_key, key, sizeof(key));
	unhex(o->v2 ? a1_v2_iv : a1_iv, iv, sizeof(iv));
	unhex(o->v2 ? a1_v2_hp : a1_hp, hp, sizeof(hp));
	dlen = unhex(o->dcid != NULL ? o->dcid : rfc_dcid, dcid, sizeof(dcid));
	assert_true(flen <= o->payload_len && o->payload_len < sizeof(payload));
	memset(payload, 0, sizeof(payload));
	if (flen > 0)
		memcpy(payload, frames, flen);
	/* RFC 9000 §17.2.2 Initial: type 0b00 (v2: 0b01), no SCID, no token, 2-byte Length. */
	out[n++] = (uint8_t)(0xc0 | (o->v2 ? 0x10 : 0) | o->reserved << 2 | (o->pn_len - 1));
	if (o->v2) {
		out[n++] = 0x6b;
		out[n++] = 0x33;
		out[n++] = 0x43;
		out[n++] = 0xcf;
	} else {
		out[n++] = 0;
		out[n++] = 0;
		out[n++] = 0;
		out[n++] = 1;
	}
	out[n++] = (uint8_t)dlen;
	memcpy(out + n, dcid, dlen);
	n += dlen;
	out[n++] = 0;
	out[n++] = 0;
	total = o->pn_len + o->payload_len + 16;
	out[n++] = (uint8_t)(0x40 | total >> 8);
	out[n++] = (uint8_t)total;
	pn_off = n;
	for (i = 0; i < o->pn_len; i++)
		out[n++] = (uint8_t)(o->pn >> (8 * (o->pn_len - 1 - i)));
	memcpy(nonce, iv, 12);
	for (i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(o->pn >> (8 * i));
	ctx = EVP_CIPHER_CTX_new();
	assert_non_null(ctx);
	assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, key, nonce), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &outl, out, (int)n), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, out + n, &outl, payload, (int)o->payload_len), 1);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, out + n + o->payload_len, &outl), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16,
	    out + n + o->payload_len), 1);
	n += o->payload_len + 16;
	EVP_CIPHER_CTX_free(ctx);
	/* Header protection, RFC 9001 §5.4.1: sample 4 bytes after the packet number start. */
	ctx = EVP_CIPHER_CTX_new();
	assert_non_null(ctx);
	assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, hp, NULL), 1);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	assert_true(pn_off + 4 + 16 <= n);
	assert_int_equal(EVP_EncryptUpdate(ctx, mask, &outl, out + pn_off + 4, 16), 1);
	EVP_CIPHER_CTX_free(ctx);
	out[0] ^= mask[0] & 0x0f;
	for (i = 0; i < o->pn_len; i++)
		out[pn_off + i] ^= mask[1 + i];
	return n;
}

static size_t
crypto_frame(uint8_t *p, uint64_t off, const uint8_t *data, size_t len)
{
	size_t n = 0;

	p[n++] = 0x06;
	n += put_varint(p + n, off);
	n += put_varint(p + n, len);
	if (len > 0)
		memcpy(p + n, data, len);
	return n + len;
}

/* The A.2 ClientHello: the CRYPTO frame minus its 06 00 40f1 header, 241 bytes. */
static size_t
rfc_hello(uint8_t *out)
{
	uint8_t f[BUF_MAX];
	size_t n = unhex(rfc_v1_crypto, f, sizeof(f));

	assert_int_equal(n, 245);
	memcpy(out, f + 4, n - 4);
	return n - 4;
}

/* A 0-RTT packet (v1 type 0b01) of junk with the RFC DCID: skipped by its Length. */
static size_t
zero_rtt(uint8_t *out, size_t junk)
{
	uint8_t dcid[8];
	size_t n = 0;

	unhex(rfc_dcid, dcid, sizeof(dcid));
	out[n++] = 0xd3;
	out[n++] = 0;
	out[n++] = 0;
	out[n++] = 0;
	out[n++] = 1;
	out[n++] = 8;
	memcpy(out + n, dcid, 8);
	n += 8;
	out[n++] = 0;
	n += put_varint(out + n, junk);
	memset(out + n, 0xa5, junk);
	return n + junk;
}

/*
 * The ClientHello cut in three CRYPTO frames: [0,50) in P2, [50,120) in
 * P3 (behind an ACK frame), [120,241) in P1. Each packet has its own packet
 * number and packet number length.
 */
struct three {
	uint8_t p[3][BUF_MAX];
	size_t len[3];
};

static void
build_three(struct three *t)
{
	uint8_t hello[BUF_MAX], fr[BUF_MAX];
	size_t hl = rfc_hello(hello), n;
	struct seal_opt o1 = { .pn = 0, .pn_len = 1, .payload_len = 400 };
	struct seal_opt o2 = { .pn = 1, .pn_len = 2, .payload_len = 300 };
	struct seal_opt o3 = { .pn = 2, .pn_len = 4, .payload_len = 300 };

	assert_int_equal(hl, 241);
	n = crypto_frame(fr, 120, hello + 120, hl - 120);
	t->len[0] = seal(t->p[0], &o1, fr, n);
	n = crypto_frame(fr, 0, hello, 50);
	fr[n++] = 0x01; /* PING */
	t->len[1] = seal(t->p[1], &o2, fr, n);
	/* ACK, §19.3: largest 5, delay 0, 1 more range, first range 1, gap 0, length 0. */
	n = 0;
	fr[n++] = 0x02;
	fr[n++] = 5;
	fr[n++] = 0;
	fr[n++] = 1;
	fr[n++] = 1;
	fr[n++] = 0;
	fr[n++] = 0;
	n += crypto_frame(fr + n, 50, hello + 50, 70);
	t->len[2] = seal(t->p[2], &o3, fr, n);
}

/* Three datagrams, out of order: DONE only with the last piece. */
static void
test_sealed_out_of_order(void **state)
{
	struct three t;
	struct vg_tls_hello h;
	struct vg_anomalies an;
	struct vg_quic *q = vg_quic_new();
	uint8_t d[BUF_MAX];
	uint32_t ver = 0;
	size_t n;

	memset(&an, 0, sizeof(an));
	build_three(&t);
	/* The middle piece first: no contiguous prefix yet. */
	assert_int_equal(vg_quic_client_datagram(q, t.p[2], t.len[2], &h, &ver, &an),
	    VG_PARSE_MORE);
	/* The tail, coalesced with a 0-RTT packet and trailing zero padding. */
	memcpy(d, t.p[0], t.len[0]);
	n = t.len[0];
	n += zero_rtt(d + n, 100);
	memset(d + n, 0, 50);
	n += 50;
	assert_int_equal(vg_quic_client_datagram(q, d, n, &h, &ver, &an), VG_PARSE_MORE);
	/* A datagram of only 0-RTT keeps the started flow waiting. */
	n = zero_rtt(d, 60);
	assert_int_equal(vg_quic_client_datagram(q, d, n, &h, &ver, &an), VG_PARSE_MORE);
	/* The head completes it. */
	assert_int_equal(vg_quic_client_datagram(q, t.p[1], t.len[1], &h, &ver, &an),
	    VG_PARSE_DONE);
	assert_int_equal(ver, VG_QUIC_V1);
	assert_string_equal(h.sni, "example.com");
	assert_int_equal(vg_anomalies_total(&an), 0);
	vg_quic_free(q);
}

/* All three Initials, in reverse order, coalesced in one datagram. */
static void
test_sealed_coalesced(void **state)
{
	struct three t;
	struct vg_tls_hello h;
	struct vg_anomalies an;
	uint8_t d[3 * BUF_MAX];
	uint32_t ver = 0;
	size_t n = 0;

	memset(&an, 0, sizeof(an));
	build_three(&t);
	memcpy(d + n, t.p[2], t.len[2]);
	n += t.len[2];
	n += zero_rtt(d + n, 30);
	memcpy(d + n, t.p[0], t.len[0]);
	n += t.len[0];
	memcpy(d + n, t.p[1], t.len[1]);
	n += t.len[1];
	assert_true(vg_quic_is_initial(d, n));
	assert_int_equal(feed1(d, n, &h, &ver, &an), VG_PARSE_DONE);
	assert_string_equal(h.sni, "example.com");
	assert_int_equal(vg_anomalies_total(&an), 0);
}

/* §12.2: a coalesced packet with another DCID is ignored, not decrypted. */
static void
test_sealed_other_dcid_ignored(void **state)
{
	struct three t;
	struct vg_tls_hello h;
	struct vg_anomalies an;
	struct seal_opt o = { .pn = 7, .pn_len = 1, .payload_len = 300, .dcid = "0102030405060708" };
	uint8_t d[3 * BUF_MAX], hello[BUF_MAX], fr[BUF_MAX];
	size_t n, hl = rfc_hello(hello);

	memset(&an, 0, sizeof(an));
	build_three(&t);
	memcpy(d, t.p[0], t.len[0]);
	n = t.len[0];
	n += seal(d + n, &o, fr, crypto_frame(fr, 0, hello, hl < 120 ? hl : 120));
	assert_int_equal(feed1(d, n, &h, NULL, &an), VG_PARSE_MORE);
	assert_int_equal(vg_anomalies_total(&an), 0);
}

/* Retransmitted CRYPTO bytes that differ: counted, the first copy kept. */
static void
test_sealed_conflict(void **state)
{
	uint8_t hello[BUF_MAX], fr[BUF_MAX], p[BUF_MAX], bad[BUF_MAX];
	struct seal_opt o = { .pn = 0, .pn_len = 1, .payload_len = 400 };
	struct vg_tls_hello h;
	struct vg_anomalies an;
	struct vg_quic *q = vg_quic_new();
	size_t hl = rfc_hello(hello), n;

	memset(&an, 0, sizeof(an));
	/* [0,100) correct, then [50,150) with one byte changed (in the random), then the rest. */
	n = seal(p, &o, fr, crypto_frame(fr, 0, hello, 100));
	assert_int_equal(vg_quic_client_datagram(q, p, n, &h, NULL, &an), VG_PARSE_MORE);
	memcpy(bad, hello, hl);
	bad[60] ^= 0xff;
	o.pn = 1;
	n = seal(p, &o, fr, crypto_frame(fr, 50, bad + 50, 100));
	assert_int_equal(vg_quic_client_datagram(q, p, n, &h, NULL, &an), VG_PARSE_MORE);
	assert_int_equal(an.n[VG_AN_QUIC_CRYPTO_CONFLICT], 1);
	o.pn = 2;
	n = seal(p, &o, fr, crypto_frame(fr, 150, hello + 150, hl - 150));
	assert_int_equal(vg_quic_client_datagram(q, p, n, &h, NULL, &an), VG_PARSE_DONE);
	assert_string_equal(h.sni, "example.com");
	assert_int_equal(vg_anomalies_total(&an), 1);
	vg_quic_free(q);
}

/*
 * Packet numbers: the first packet uses a large number in 4 bytes, the
 * next one only its low byte (RFC 9000 §17.1); a wrong reconstruction would
 * give a wrong nonce and fail the tag.
 */
static void
test_sealed_packet_numbers(void **state)
{
	uint8_t hello[BUF_MAX], fr[BUF_MAX], p[BUF_MAX];
	struct seal_opt o = { .pn = 94014, .pn_len = 4, .payload_len = 300 };
	struct vg_tls_hello h;
	struct vg_anomalies an;
	struct vg_quic *q = vg_quic_new();
	size_t hl = rfc_hello(hello), n;

	memset(&an, 0, sizeof(an));
	n = seal(p, &o, fr, crypto_frame(fr, 0, hello, 100));
	assert_int_equal(vg_quic_client_datagram(q, p, n, &h, NULL, &an), VG_PARSE_MORE);
	/* 94015 = 0x16f3f, sent as the single byte 0x3f. */
	o.pn = 94015;
	o.pn_len = 1;
	n = seal(p, &o, fr, crypto_frame(fr, 100, hello + 100, hl - 100));
	/* The sealer truncates only the encoding; the nonce used the full number. */
	assert_int_equal(vg_quic_client_datagram(q, p, n, &h, NULL, &an), VG_PARSE_DONE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	vg_quic_free(q);
}

/*
 * A flow that starts in v1 and continues in v2 (compatible version
 * negotiation, RFC 9368): the v2 keys come from the same original DCID.
 * DONE reports the version of the first Initial.
 */
static void
test_sealed_version_switch(void **state)
{
	uint8_t hello[BUF_MAX], fr[BUF_MAX], p[BUF_MAX];
	struct seal_opt o = { .pn = 0, .pn_len = 1, .payload_len = 300 };
	struct vg_tls_hello h;
	struct vg_anomalies an;
	struct vg_quic *q = vg_quic_new();
	uint32_t ver = 0;
	size_t hl = rfc_hello(hello), n;

	memset(&an, 0, sizeof(an));
	n = seal(p, &o, fr, crypto_frame(fr, 0, hello, 100));
	assert_int_equal(vg_quic_client_datagram(q, p, n, &h, &ver, &an), VG_PARSE_MORE);
	o.pn = 1;
	o.v2 = true;
	n = seal(p, &o, fr, crypto_frame(fr, 100, hello + 100, hl - 100));
	assert_int_equal(vg_quic_client_datagram(q, p, n, &h, &ver, &an), VG_PARSE_DONE);
	assert_int_equal(ver, VG_QUIC_V1);
	assert_string_equal(h.sni, "example.com");
	assert_int_equal(vg_anomalies_total(&an), 0);
	vg_quic_free(q);
}

/*
 * The test's sealer reproduces the RFC 9001 and RFC 9369 A.2 packets byte
 * for byte, so the sealed packets used above and below are checked too.
 */
static void
test_sealer_matches_rfc(void **state)
{
	uint8_t fr[BUF_MAX], p[BUF_MAX], want[BUF_MAX];
	struct seal_opt o = { .pn = 2, .pn_len = 4, .payload_len = 1162 };
	size_t n, flen;

	flen = unhex(rfc_v1_crypto, fr, sizeof(fr));
	n = seal(p, &o, fr, flen);
	assert_int_equal(n, unhex(rfc_v1_packet, want, sizeof(want)));
	assert_memory_equal(p, want, n);
	o.v2 = true;
	n = seal(p, &o, fr, flen);
	assert_int_equal(n, unhex(rfc_v2_packet, want, sizeof(want)));
	assert_memory_equal(p, want, n);
}

/* ACK with ECN counts (0x03) and several ranges, then the whole hello. */
static void
test_sealed_ack_ecn(void **state)
{
	uint8_t hello[BUF_MAX], fr[BUF_MAX], p[BUF_MAX];
	struct seal_opt o = { .pn = 0, .pn_len = 2, .payload_len = 600 };
	struct vg_tls_hello h;
	struct vg_anomalies an;
	size_t hl = rfc_hello(hello), n = 0;
	/* largest 0x1234 (2 bytes), delay 3, 2 ranges, first 4, (gap 1, len 2) x2, ECN 7 8 9. */
	static const uint8_t ack[] = { 0x03, 0x52, 0x34, 0x03, 0x02, 0x04, 0x01, 0x02, 0x01, 0x02,
		0x07, 0x08, 0x09 };

	memset(&an, 0, sizeof(an));
	memcpy(fr, ack, sizeof(ack));
	n = sizeof(ack);
	n += crypto_frame(fr + n, 0, hello, hl);
	n = seal(p, &o, fr, n);
	assert_int_equal(feed1(p, n, &h, NULL, &an), VG_PARSE_DONE);
	assert_string_equal(h.sni, "example.com");
	assert_int_equal(vg_anomalies_total(&an), 0);
}

/* CONNECTION_CLOSE (0x1c) ends the frames: what follows it is not looked at. */
static void
test_sealed_connection_close(void **state)
{
	uint8_t hello[BUF_MAX], fr[BUF_MAX], p[BUF_MAX];
	struct seal_opt o = { .pn = 0, .pn_len = 1, .payload_len = 300 };
	struct vg_tls_hello h;
	struct vg_anomalies an;
	size_t n;

	memset(&an, 0, sizeof(an));
	rfc_hello(hello);
	n = crypto_frame(fr, 0, hello, 50);
	/* error 0x0a, frame type 0x06, reason "no" */
	fr[n++] = 0x1c;
	fr[n++] = 0x0a;
	fr[n++] = 0x06;
	fr[n++] = 0x02;
	fr[n++] = 'n';
	fr[n++] = 'o';
	fr[n++] = 0x08; /* a STREAM frame type, which would be bad_frame if read */
	n = seal(p, &o, fr, n);
	assert_int_equal(feed1(p, n, &h, NULL, &an), VG_PARSE_MORE);
	assert_int_equal(vg_anomalies_total(&an), 0);
}

/* ---- real captures ----------------------------------------------------- */

static void
test_capture_chromium_fragmented(void **state)
{
	uint8_t d[BUF_MAX];
	struct vg_tls_hello h;
	struct vg_anomalies an;
	uint32_t ver = 0;
	size_t n = unhex(cap_chromium_frag, d, sizeof(d));

	memset(&an, 0, sizeof(an));
	assert_int_equal(n, 1230);
	assert_true(vg_quic_is_initial(d, n));
	/* Ten CRYPTO frames out of order in one Initial (tshark: offsets 137,0,260,...). */
	assert_int_equal(feed1(d, n, &h, &ver, &an), VG_PARSE_DONE);
	assert_int_equal(ver, VG_QUIC_V1);
	assert_string_equal(h.sni, "www.google.de");
	assert_int_equal(vg_anomalies_total(&an), 0);
}

static void
test_capture_v2_echo(void **state)
{
	uint8_t d[BUF_MAX];
	struct vg_tls_hello h;
	struct vg_anomalies an;
	uint32_t ver = 0;
	size_t n = unhex(cap_v2_echo, d, sizeof(d));

	memset(&an, 0, sizeof(an));
	assert_int_equal(n, 1252);
	assert_true(vg_quic_is_initial(d, n));
	assert_int_equal(feed1(d, n, &h, &ver, &an), VG_PARSE_DONE);
	assert_int_equal(ver, VG_QUIC_V2);
	assert_string_equal(h.sni, "localhost");
	assert_int_equal(h.n_alpn, 1);
	assert_string_equal(h.alpn[0], "quic-echo-example");
	assert_int_equal(vg_anomalies_total(&an), 0);
}

static void
test_capture_v2_http3(void **state)
{
	uint8_t d[BUF_MAX];
	struct vg_tls_hello h;
	struct vg_anomalies an;
	uint32_t ver = 0;
	size_t n = unhex(cap_v2_http3, d, sizeof(d));

	memset(&an, 0, sizeof(an));
	assert_int_equal(n, 1252);
	assert_int_equal(feed1(d, n, &h, &ver, &an), VG_PARSE_DONE);
	assert_int_equal(ver, VG_QUIC_V2);
	/* tshark shows no server_name in this ClientHello, and ALPN h3. */
	assert_false(h.has_sni);
	assert_int_equal(h.n_alpn, 1);
	assert_string_equal(h.alpn[0], "h3");
	assert_int_equal(vg_anomalies_total(&an), 0);
}

static void
test_capture_multi_initial(void **state)
{
	const char *caps[3] = { cap_multi_1, cap_multi_2, cap_multi_3 };
	uint8_t d[BUF_MAX];
	struct vg_tls_hello h;
	struct vg_anomalies an;
	struct vg_quic *q = vg_quic_new();
	uint32_t ver = 0;
	size_t n, i;

	memset(&an, 0, sizeof(an));
	/* tshark: the ClientHello (about 1.5 KB) is complete only with frame 3. */
	for (i = 0; i < 3; i++) {
		n = unhex(caps[i], d, sizeof(d));
		assert_int_equal(n, 1230);
		assert_int_equal(vg_quic_client_datagram(q, d, n, &h, &ver, &an),
		    i < 2 ? VG_PARSE_MORE : VG_PARSE_DONE);
	}
	assert_int_equal(ver, VG_QUIC_V1);
	assert_string_equal(h.sni, "googleads.g.doubleclick.net");
	assert_int_equal(vg_anomalies_total(&an), 0);
	vg_quic_free(q);
}

/* ---- malformed --------------------------------------------------------- */

/*
 * Every truncation of the A.2 packet: cut before the version is complete
 * it is not recognisably QUIC; from there on the Length no longer fits.
 */
static void
check_truncations(const char *packet)
{
	uint8_t pkt[BUF_MAX];
	struct vg_tls_hello h;
	struct vg_anomalies an;
	size_t len = unhex(packet, pkt, sizeof(pkt)), n;
	enum vg_parse_rc rc;
	uint8_t *cut;

	for (n = 0; n < len; n++) {
		/* An exact-size copy so ASan sees any read past the end. */
		cut = malloc(n > 0 ? n : 1);
		assert_non_null(cut);
		memcpy(cut, pkt, n);
		memset(&an, 0, sizeof(an));
		rc = feed1(cut, n, &h, NULL, &an);
		if (n < 5) {
			assert_int_equal(rc, VG_PARSE_NOMATCH);
			assert_int_equal(vg_anomalies_total(&an), 0);
		} else {
			assert_int_equal(rc, VG_PARSE_ERROR);
			assert_int_equal(an.n[VG_AN_QUIC_TRUNCATED], 1);
			assert_int_equal(vg_anomalies_total(&an), 1);
		}
		assert_false(vg_quic_is_initial(cut, n) && n < 18);
		free(cut);
	}
}

static void
test_truncations_v1(void **state)
{
	check_truncations(rfc_v1_packet);
}

static void
test_truncations_v2(void **state)
{
	check_truncations(rfc_v2_packet);
}

/* The A.2 v1 packet with up to two bytes replaced (at2 == 0: only one). */
static enum vg_parse_rc
feed_a2_modified2(size_t at, uint8_t val, size_t at2, uint8_t val2, struct vg_anomalies *an)
{
	uint8_t pkt[BUF_MAX];
	struct vg_tls_hello h;
	size_t len = unhex(rfc_v1_packet, pkt, sizeof(pkt));

	assert_true(at < len && at2 < len);
	pkt[at] = val;
	if (at2 != 0)
		pkt[at2] = val2;
	memset(an, 0, sizeof(*an));
	return feed1(pkt, len, &h, NULL, an);
}

static enum vg_parse_rc
feed_a2_modified(size_t at, uint8_t val, struct vg_anomalies *an)
{
	return feed_a2_modified2(at, val, 0, 0, an);
}

static void
test_bad_token_length(void **state)
{
	struct vg_anomalies an;

	/* Offset 15 is Token Length (0x00); 0x7f makes it 2 bytes: 0x3f44 = 16196 > what is left. */
	assert_int_equal(feed_a2_modified(15, 0x7f, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_TRUNCATED], 1);
	assert_int_equal(vg_anomalies_total(&an), 1);
}

static void
test_bad_cid_length(void **state)
{
	struct vg_anomalies an;

	/* Offset 5 is the DCID length (8), offset 14 the SCID length (0). */
	assert_int_equal(feed_a2_modified(5, 21, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_BAD_CID], 1);
	assert_int_equal(vg_anomalies_total(&an), 1);
	assert_int_equal(feed_a2_modified(14, 21, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_BAD_CID], 1);
	assert_int_equal(vg_anomalies_total(&an), 1);
}

static void
test_bad_length_field(void **state)
{
	struct vg_anomalies an;

	/* Length 0x449e (1182) -> 0x449f: one byte more than the datagram holds. */
	assert_int_equal(feed_a2_modified(17, 0x9f, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_TRUNCATED], 1);
	/* Length 0x449d: fits, but the tag is then read one byte early. */
	assert_int_equal(feed_a2_modified(17, 0x9d, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_DECRYPT_FAILED], 1);
	/* Length 19 (0x4013): too short for the header protection sample. */
	assert_int_equal(feed_a2_modified2(16, 0x40, 17, 0x13, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_BAD_HEADER], 1);
	assert_int_equal(vg_anomalies_total(&an), 1);
	/* Length 20 (0x4014): the smallest with a sample; decryption then fails. */
	assert_int_equal(feed_a2_modified2(16, 0x40, 17, 0x14, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_DECRYPT_FAILED], 1);
	assert_int_equal(vg_anomalies_total(&an), 1);
}

static void
test_flipped_tag(void **state)
{
	struct vg_anomalies an;
	uint8_t pkt[BUF_MAX];
	size_t len = unhex(rfc_v1_packet, pkt, sizeof(pkt));

	assert_int_equal(feed_a2_modified(len - 1, pkt[len - 1] ^ 0x01, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_DECRYPT_FAILED], 1);
	assert_int_equal(vg_anomalies_total(&an), 1);
	/* A ciphertext byte in the middle. */
	assert_int_equal(feed_a2_modified(600, pkt[600] ^ 0x80, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_DECRYPT_FAILED], 1);
	/* A header byte (part of the AAD): the DCID, so the keys change too. */
	assert_int_equal(feed_a2_modified(6, pkt[6] ^ 0x01, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_DECRYPT_FAILED], 1);
}

static void
test_crypto_beyond_cap(void **state)
{
	uint8_t fr[BUF_MAX], p[BUF_MAX], data[32] = { 0 };
	struct seal_opt o = { .pn = 0, .pn_len = 1, .payload_len = 300 };
	struct vg_tls_hello h;
	struct vg_anomalies an;
	size_t n;

	/* Ends exactly at the cap: accepted, waits for the rest. */
	memset(&an, 0, sizeof(an));
	n = seal(p, &o, fr, crypto_frame(fr, VG_QUIC_CRYPTO_MAX - 20, data, 20));
	assert_int_equal(feed1(p, n, &h, NULL, &an), VG_PARSE_MORE);
	assert_int_equal(vg_anomalies_total(&an), 0);
	/* One byte past it. */
	n = seal(p, &o, fr, crypto_frame(fr, VG_QUIC_CRYPTO_MAX - 20, data, 21));
	assert_int_equal(feed1(p, n, &h, NULL, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_CRYPTO_TOO_LARGE], 1);
	/* A far offset. */
	memset(&an, 0, sizeof(an));
	n = seal(p, &o, fr, crypto_frame(fr, 1u << 29, data, 1));
	assert_int_equal(feed1(p, n, &h, NULL, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_CRYPTO_TOO_LARGE], 1);
	assert_int_equal(vg_anomalies_total(&an), 1);
}

static void
check_bad_frames(const uint8_t *fr, size_t flen)
{
	uint8_t p[BUF_MAX];
	struct seal_opt o = { .pn = 0, .pn_len = 1, .payload_len = 300 };
	struct vg_tls_hello h;
	struct vg_anomalies an;
	size_t n;

	memset(&an, 0, sizeof(an));
	o.payload_len = flen > 300 ? flen : 300;
	n = seal(p, &o, fr, flen);
	assert_int_equal(feed1(p, n, &h, NULL, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_BAD_FRAME], 1);
	assert_int_equal(vg_anomalies_total(&an), 1);
}

static void
test_bad_frames(void **state)
{
	/* STREAM (0x08), NEW_TOKEN (0x07), app CONNECTION_CLOSE (0x1d), HANDSHAKE_DONE (0x1e): not in Initials. */
	static const uint8_t stream[] = { 0x08, 0x00, 0x01, 'x' };
	static const uint8_t new_token[] = { 0x07, 0x01, 'x' };
	static const uint8_t close_app[] = { 0x1d, 0x00, 0x00 };
	static const uint8_t hs_done[] = { 0x1e };
	/* PING then frame type 0x100 as a two-byte varint. */
	static const uint8_t big_type[] = { 0x01, 0x41, 0x00 };
	uint8_t fr[BUF_MAX];
	size_t n;

	check_bad_frames(stream, sizeof(stream));
	check_bad_frames(new_token, sizeof(new_token));
	check_bad_frames(close_app, sizeof(close_app));
	check_bad_frames(hs_done, sizeof(hs_done));
	check_bad_frames(big_type, sizeof(big_type));
	/* CRYPTO whose length runs past the payload: frames then padding to 300, so claim 400. */
	n = 0;
	fr[n++] = 0x06;
	fr[n++] = 0x00;
	fr[n++] = 0x41;
	fr[n++] = 0x90;
	check_bad_frames(fr, n);
	/* ACK whose range count runs past the payload. */
	memset(fr, 0, sizeof(fr));
	n = 0;
	fr[n++] = 0x02;
	fr[n++] = 0x01;
	fr[n++] = 0x00;
	fr[n++] = 0xbf; /* range count: 4-byte varint 0x3fffffff */
	fr[n++] = 0xff;
	fr[n++] = 0xff;
	fr[n++] = 0xff;
	fr[n++] = 0x00;
	check_bad_frames(fr, 300);
}

/* A packet with no frames at all (empty payload) is a protocol violation (§12.4). */
static void
test_empty_payload(void **state)
{
	uint8_t p[BUF_MAX];
	struct seal_opt o = { .pn = 0, .pn_len = 4, .payload_len = 0 };
	struct vg_tls_hello h;
	struct vg_anomalies an;
	size_t n;

	memset(&an, 0, sizeof(an));
	n = seal(p, &o, NULL, 0);
	assert_int_equal(feed1(p, n, &h, NULL, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_BAD_FRAME], 1);
}

static void
test_reserved_bits(void **state)
{
	uint8_t hello[BUF_MAX], fr[BUF_MAX], p[BUF_MAX];
	struct seal_opt o = { .pn = 0, .pn_len = 1, .payload_len = 400, .reserved = 2 };
	struct vg_tls_hello h;
	struct vg_anomalies an;
	size_t hl = rfc_hello(hello), n;

	memset(&an, 0, sizeof(an));
	n = seal(p, &o, fr, crypto_frame(fr, 0, hello, hl));
	assert_int_equal(feed1(p, n, &h, NULL, &an), VG_PARSE_ERROR);
	assert_int_equal(an.n[VG_AN_QUIC_BAD_HEADER], 1);
	assert_int_equal(vg_anomalies_total(&an), 1);
}

/* CRYPTO data that is not a ClientHello (a ServerHello type). */
static void
test_not_client_hello(void **state)
{
	uint8_t hello[BUF_MAX], fr[BUF_MAX], p[BUF_MAX];
	struct seal_opt o = { .pn = 0, .pn_len = 1, .payload_len = 400 };
	struct vg_tls_hello h;
	struct vg_anomalies an;
	size_t hl = rfc_hello(hello), n;

	memset(&an, 0, sizeof(an));
	hello[0] = 0x02;
	n = seal(p, &o, fr, crypto_frame(fr, 0, hello, hl));
	assert_int_equal(feed1(p, n, &h, NULL, &an), VG_PARSE_ERROR);
	assert_int_equal(vg_anomalies_total(&an), 1);
}

/* A ClientHello announcing 16384 bytes cannot fit the 16 KiB stream buffer with its header. */
static void
test_hello_too_big(void **state)
{
	static const uint8_t head[] = { 0x01, 0x00, 0x40, 0x00, 0x03, 0x03 };
	uint8_t fr[BUF_MAX], p[BUF_MAX];
	struct seal_opt o = { .pn = 0, .pn_len = 1, .payload_len = 300 };
	struct vg_tls_hello h;
	struct vg_anomalies an;
	size_t n;

	memset(&an, 0, sizeof(an));
	n = seal(p, &o, fr, crypto_frame(fr, 0, head, sizeof(head)));
	assert_int_equal(feed1(p, n, &h, NULL, &an), VG_PARSE_ERROR);
	/* Counted by us (quic.hello_incomplete) or by the TLS parser (tls.hello_too_long). */
	assert_int_equal(an.n[VG_AN_QUIC_HELLO_INCOMPLETE] + an.n[VG_AN_TLS_HELLO_TOO_LONG], 1);
	assert_int_equal(vg_anomalies_total(&an), 1);
}

/* After ERROR the flow stays in error without counting again. */
static void
test_error_sticky(void **state)
{
	uint8_t pkt[BUF_MAX], bad[BUF_MAX];
	struct vg_tls_hello h;
	struct vg_anomalies an;
	struct vg_quic *q = vg_quic_new();
	size_t len = unhex(rfc_v1_packet, pkt, sizeof(pkt));

	memset(&an, 0, sizeof(an));
	memcpy(bad, pkt, len);
	bad[len - 1] ^= 1;
	assert_int_equal(vg_quic_client_datagram(q, bad, len, &h, NULL, &an), VG_PARSE_ERROR);
	assert_int_equal(vg_quic_client_datagram(q, pkt, len, &h, NULL, &an), VG_PARSE_ERROR);
	assert_int_equal(vg_anomalies_total(&an), 1);
	vg_quic_free(q);
}

/* Version Negotiation, unknown versions, short headers: NOMATCH, nothing counted. */
static void
test_nomatch(void **state)
{
	uint8_t pkt[BUF_MAX];
	struct vg_tls_hello h;
	struct vg_anomalies an;
	size_t len = unhex(rfc_v1_packet, pkt, sizeof(pkt));
	static const uint32_t others[] = { 0x00000000u, 0xff00001du, 0x51303530u, 0x1a2a3a4au };
	size_t i;

	memset(&an, 0, sizeof(an));
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		pkt[1] = (uint8_t)(others[i] >> 24);
		pkt[2] = (uint8_t)(others[i] >> 16);
		pkt[3] = (uint8_t)(others[i] >> 8);
		pkt[4] = (uint8_t)others[i];
		assert_false(vg_quic_is_initial(pkt, len));
		assert_int_equal(feed1(pkt, len, &h, NULL, &an), VG_PARSE_NOMATCH);
	}
	len = unhex(rfc_v1_packet, pkt, sizeof(pkt));
	/* Short header (form bit 0). */
	pkt[0] = 0x40;
	assert_false(vg_quic_is_initial(pkt, len));
	assert_int_equal(feed1(pkt, len, &h, NULL, &an), VG_PARSE_NOMATCH);
	/* Fixed bit clear. */
	pkt[0] = 0x80;
	assert_false(vg_quic_is_initial(pkt, len));
	assert_int_equal(feed1(pkt, len, &h, NULL, &an), VG_PARSE_NOMATCH);
	/* v1 Retry type (0b11): sent only by servers. */
	pkt[0] = 0xf0;
	assert_false(vg_quic_is_initial(pkt, len));
	assert_int_equal(feed1(pkt, len, &h, NULL, &an), VG_PARSE_NOMATCH);
	/* v1 0-RTT only: no Initial in the datagram. */
	pkt[0] = 0xd0;
	assert_false(vg_quic_is_initial(pkt, len));
	assert_int_equal(feed1(pkt, len, &h, NULL, &an), VG_PARSE_NOMATCH);
	assert_int_equal(vg_anomalies_total(&an), 0);
	assert_int_equal(feed1(NULL, 0, &h, NULL, &an), VG_PARSE_NOMATCH);
	assert_int_equal(vg_quic_client_datagram(NULL, pkt, len, &h, NULL, &an),
	    VG_PARSE_NOMATCH);
	vg_quic_free(NULL);
}

static void
test_is_initial(void **state)
{
	uint8_t pkt[BUF_MAX];
	size_t len = unhex(rfc_v1_packet, pkt, sizeof(pkt));

	assert_true(vg_quic_is_initial(pkt, len));
	/* Header up to the Length field (18 bytes) is enough; 17 is not. */
	assert_true(vg_quic_is_initial(pkt, 18));
	assert_false(vg_quic_is_initial(pkt, 17));
	/* v1 type bits 0b01 (0-RTT) on a v1 packet. */
	pkt[0] = (uint8_t)((pkt[0] & 0xcf) | 0x10);
	assert_false(vg_quic_is_initial(pkt, len));
	len = unhex(rfc_v2_packet, pkt, sizeof(pkt));
	assert_true(vg_quic_is_initial(pkt, len));
	/* v2 type bits 0b00 are Retry there (RFC 9369 §3.2). */
	pkt[0] = (uint8_t)(pkt[0] & 0xcf);
	assert_false(vg_quic_is_initial(pkt, len));
	assert_false(vg_quic_is_initial(NULL, 0));
}

/* RFC 9000 Appendix A.3's example, plus the window edges. */
static void
test_pn_decode(void **state)
{
	assert_int_equal(vg_quic_pn_decode(0xa82f30eaULL + 1, 0x9b32, 16), 0xa82f9b32ULL);
	assert_int_equal(vg_quic_pn_decode(0, 0xff, 8), 0xff);
	assert_int_equal(vg_quic_pn_decode(0, 94014, 32), 94014);
	assert_int_equal(vg_quic_pn_decode(94015, 0x3f, 8), 94015);
	assert_int_equal(vg_quic_pn_decode(0x100, 0xff, 8), 0xff);
	assert_int_equal(vg_quic_pn_decode(0x1fe, 0x01, 8), 0x201);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a1_keys_v1),
		cmocka_unit_test(test_a1_keys_v2),
		cmocka_unit_test(test_unsupported_secret),
		cmocka_unit_test(test_a2_steps_v1),
		cmocka_unit_test(test_a2_steps_v2),
		cmocka_unit_test(test_a2_v1),
		cmocka_unit_test(test_a2_v2),
		cmocka_unit_test(test_sealed_out_of_order),
		cmocka_unit_test(test_sealed_coalesced),
		cmocka_unit_test(test_sealed_other_dcid_ignored),
		cmocka_unit_test(test_sealed_conflict),
		cmocka_unit_test(test_sealed_packet_numbers),
		cmocka_unit_test(test_sealed_version_switch),
		cmocka_unit_test(test_sealer_matches_rfc),
		cmocka_unit_test(test_sealed_ack_ecn),
		cmocka_unit_test(test_sealed_connection_close),
		cmocka_unit_test(test_capture_chromium_fragmented),
		cmocka_unit_test(test_capture_v2_echo),
		cmocka_unit_test(test_capture_v2_http3),
		cmocka_unit_test(test_capture_multi_initial),
		cmocka_unit_test(test_truncations_v1),
		cmocka_unit_test(test_truncations_v2),
		cmocka_unit_test(test_bad_token_length),
		cmocka_unit_test(test_bad_cid_length),
		cmocka_unit_test(test_bad_length_field),
		cmocka_unit_test(test_flipped_tag),
		cmocka_unit_test(test_crypto_beyond_cap),
		cmocka_unit_test(test_bad_frames),
		cmocka_unit_test(test_empty_payload),
		cmocka_unit_test(test_reserved_bits),
		cmocka_unit_test(test_not_client_hello),
		cmocka_unit_test(test_hello_too_big),
		cmocka_unit_test(test_error_sticky),
		cmocka_unit_test(test_nomatch),
		cmocka_unit_test(test_is_initial),
		cmocka_unit_test(test_pn_decode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
