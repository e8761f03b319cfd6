package org.sentence4j.losses;

/**
 * BibTeX entries of the papers behind the losses, under sentence-transformers' citation keys. A model card
 * cites every loss's entry once, next to Sentence-BERT, which it always cites.
 */
public final class Citations {

    private Citations() {
    }

    /** BibTeX key {@code oord2019representationlearningcontrastivepredictive}. */
    public static final String OORD2019REPRESENTATIONLEARNINGCONTRASTIVEPREDICTIVE =
            "@misc{oord2019representationlearningcontrastivepredictive,\n" +
            "    title={Representation Learning with Contrastive Predictive Coding},\n" +
            "    author={Aaron van den Oord and Yazhe Li and Oriol Vinyals},\n" +
            "    year={2019}, eprint={1807.03748}, archivePrefix={arXiv}, primaryClass={cs.LG},\n" +
            "    url={https://arxiv.org/abs/1807.03748}\n" +
            "}\n";

    /** BibTeX key {@code li2023generaltextembeddingsmultistage}. */
    public static final String LI2023GENERALTEXTEMBEDDINGSMULTISTAGE =
            "@misc{li2023generaltextembeddingsmultistage,\n" +
            "    title={Towards General Text Embeddings with Multi-stage Contrastive Learning},\n" +
            "    author={Zehan Li and Xin Zhang and Yanzhao Zhang and Dingkun Long and Pengjun Xie and Meishan Zhang},\n" +
            "    year={2023}, eprint={2308.03281}, archivePrefix={arXiv}, primaryClass={cs.CL},\n" +
            "    url={https://arxiv.org/abs/2308.03281}\n" +
            "}\n";

    /** BibTeX key {@code günther2024jinaembeddings28192token}. */
    public static final String GUNTHER2024JINAEMBEDDINGS28192TOKEN =
            "@misc{günther2024jinaembeddings28192token,\n" +
            "    title={Jina Embeddings 2: 8192-Token General-Purpose Text Embeddings for Long Documents},\n" +
            "    author={Michael Günther and Jackmin Ong and Isabelle Mohr and Alaeddine Abdessalem and Tanguy Abel and Mohammad Kalim Akram and Susana Guzman and Georgios Mastrapas and Saba Sturua and Bo Wang and Maximilian Werk and Nan Wang and Han Xiao},\n" +
            "    year={2024}, eprint={2310.19923}, archivePrefix={arXiv}, primaryClass={cs.CL},\n" +
            "    url={https://arxiv.org/abs/2310.19923}\n" +
            "}\n";

    /** BibTeX key {@code gao2021scaling}. */
    public static final String GAO2021SCALING =
            "@misc{gao2021scaling,\n" +
            "    title={Scaling Deep Contrastive Learning Batch Size under Memory Limited Setup},\n" +
            "    author={Luyu Gao and Yunyi Zhang and Jiawei Han and Jamie Callan},\n" +
            "    year={2021}, eprint={2101.06983}, archivePrefix={arXiv}, primaryClass={cs.LG}\n" +
            "}\n";

    /** BibTeX key {@code solatorio2024gistembed}. */
    public static final String SOLATORIO2024GISTEMBED =
            "@misc{solatorio2024gistembed,\n" +
            "    title={GISTEmbed: Guided In-sample Selection of Training Negatives for Text Embedding Fine-tuning},\n" +
            "    author={Aivin V. Solatorio},\n" +
            "    year={2024}, eprint={2402.16829}, archivePrefix={arXiv}, primaryClass={cs.LG}\n" +
            "}\n";

    /** BibTeX key {@code wieting-gimpel-2018-paranmt}. */
    public static final String WIETING_GIMPEL_2018_PARANMT =
            "@inproceedings{wieting-gimpel-2018-paranmt,\n" +
            "    title = \"{P}ara{NMT}-50{M}: Pushing the Limits of Paraphrastic Sentence Embeddings with Millions of Machine Translations\",\n" +
            "    author = \"Wieting, John and Gimpel, Kevin\",\n" +
            "    booktitle = \"Proceedings of the 56th Annual Meeting of the Association for Computational Linguistics (Volume 1: Long Papers)\",\n" +
            "    year = \"2018\", address = \"Melbourne, Australia\", publisher = \"Association for Computational Linguistics\",\n" +
            "    url = \"https://aclanthology.org/P18-1042\", doi = \"10.18653/v1/P18-1042\", pages = \"451--462\"\n" +
            "}\n";

    /** BibTeX key {@code carlsson2021semantic}. */
    public static final String CARLSSON2021SEMANTIC =
            "@inproceedings{carlsson2021semantic,\n" +
            "    title={Semantic Re-tuning with Contrastive Tension},\n" +
            "    author={Fredrik Carlsson and Amaru Cuba Gyllensten and Evangelia Gogoulou and Erik Ylip{\\\"a}{\\\"a} Hellqvist and Magnus Sahlgren},\n" +
            "    booktitle={International Conference on Learning Representations}, year={2021},\n" +
            "    url={https://openreview.net/forum?id=Ov_sMNau-PF}\n" +
            "}\n";

    /** BibTeX key {@code hermans2017defense}. */
    public static final String HERMANS2017DEFENSE =
            "@misc{hermans2017defense,\n" +
            "    title={In Defense of the Triplet Loss for Person Re-Identification},\n" +
            "    author={Alexander Hermans and Lucas Beyer and Bastian Leibe},\n" +
            "    year={2017}, eprint={1703.07737}, archivePrefix={arXiv}, primaryClass={cs.CV}\n" +
            "}\n";

    /** BibTeX key {@code hadsell2006dimensionality}. */
    public static final String HADSELL2006DIMENSIONALITY =
            "@inproceedings{hadsell2006dimensionality,\n" +
            "    author={Hadsell, R. and Chopra, S. and LeCun, Y.},\n" +
            "    booktitle={2006 IEEE Computer Society Conference on Computer Vision and Pattern Recognition (CVPR'06)},\n" +
            "    title={Dimensionality Reduction by Learning an Invariant Mapping},\n" +
            "    year={2006}, volume={2}, pages={1735-1742}, doi={10.1109/CVPR.2006.100}\n" +
            "}\n";

    /** BibTeX key {@code 10531646}. */
    public static final String HUANG2024COSENT_10531646 =
            "@article{10531646,\n" +
            "    author={Huang, Xiang and Peng, Hao and Zou, Dongcheng and Liu, Zhiwei and Li, Jianxin and Liu, Kay and Wu, Jia and Su, Jianlin and Yu, Philip S.},\n" +
            "    journal={IEEE/ACM Transactions on Audio, Speech, and Language Processing},\n" +
            "    title={CoSENT: Consistent Sentence Embedding via Similarity Ranking},\n" +
            "    year={2024}, doi={10.1109/TASLP.2024.3402087}\n" +
            "}\n";

    /** BibTeX key {@code li-li-2024-aoe}. */
    public static final String LI_LI_2024_AOE =
            "@inproceedings{li-li-2024-aoe,\n" +
            "    title = \"{A}o{E}: Angle-optimized Embeddings for Semantic Textual Similarity\",\n" +
            "    author = \"Li, Xianming and Li, Jing\",\n" +
            "    year = \"2024\", publisher = \"Association for Computational Linguistics\",\n" +
            "    url = \"https://aclanthology.org/2024.acl-long.101/\", doi = \"10.18653/v1/2024.acl-long.101\"\n" +
            "}\n";

    /** BibTeX key {@code reimers-2019-sentence-bert}. */
    public static final String REIMERS_2019_SENTENCE_BERT =
            "@inproceedings{reimers-2019-sentence-bert,\n" +
            "    title = \"Sentence-BERT: Sentence Embeddings using Siamese BERT-Networks\",\n" +
            "    author = \"Reimers, Nils and Gurevych, Iryna\",\n" +
            "    booktitle = \"Proceedings of the 2019 Conference on Empirical Methods in Natural Language Processing\",\n" +
            "    month = \"11\", year = \"2019\", publisher = \"Association for Computational Linguistics\",\n" +
            "    url = \"https://arxiv.org/abs/1908.10084\"\n" +
            "}\n";

    /** BibTeX key {@code reimers-2020-multilingual-sentence-bert}. */
    public static final String REIMERS_2020_MULTILINGUAL_SENTENCE_BERT =
            "@inproceedings{reimers-2020-multilingual-sentence-bert,\n" +
            "    title = \"Making Monolingual Sentence Embeddings Multilingual using Knowledge Distillation\",\n" +
            "    author = \"Reimers, Nils and Gurevych, Iryna\",\n" +
            "    booktitle = \"Proceedings of the 2020 Conference on Empirical Methods in Natural Language Processing\",\n" +
            "    month = \"11\", year = \"2020\", publisher = \"Association for Computational Linguistics\",\n" +
            "    url = \"https://arxiv.org/abs/2004.09813\"\n" +
            "}\n";

    /** BibTeX key {@code hofstätter2021improving}. */
    public static final String HOFSTATTER2021IMPROVING =
            "@misc{hofstätter2021improving,\n" +
            "    title={Improving Efficient Neural Ranking Models with Cross-Architecture Knowledge Distillation},\n" +
            "    author={Sebastian Hofstätter and Sophia Althammer and Michael Schröder and Mete Sertkan and Allan Hanbury},\n" +
            "    year={2021}, eprint={2010.02666}, archivePrefix={arXiv}, primaryClass={cs.IR}\n" +
            "}\n";

    /** BibTeX key {@code lin2020distillingdenserepresentationsranking}. */
    public static final String LIN2020DISTILLINGDENSEREPRESENTATIONSRANKING =
            "@misc{lin2020distillingdenserepresentationsranking,\n" +
            "    title={Distilling Dense Representations for Ranking using Tightly-Coupled Teachers},\n" +
            "    author={Sheng-Chieh Lin and Jheng-Hong Yang and Jimmy Lin},\n" +
            "    year={2020}, eprint={2010.11386}, archivePrefix={arXiv}, primaryClass={cs.IR},\n" +
            "    url={https://arxiv.org/abs/2010.11386}\n" +
            "}\n";

    /** BibTeX key {@code kusupati2024matryoshka}. */
    public static final String KUSUPATI2024MATRYOSHKA =
            "@misc{kusupati2024matryoshka,\n" +
            "    title={Matryoshka Representation Learning},\n" +
            "    author={Aditya Kusupati and Gantavya Bhatt and Aniket Rege and Matthew Wallingford and Aditya Sinha and Vivek Ramanujan and William Howard-Snyder and Kaifeng Chen and Sham Kakade and Prateek Jain and Ali Farhadi},\n" +
            "    year={2024}, eprint={2205.13147}, archivePrefix={arXiv}, primaryClass={cs.LG}\n" +
            "}\n";

    /** BibTeX key {@code li20242d}. */
    public static final String LI20242D =
            "@misc{li20242d,\n" +
            "    title={2D Matryoshka Sentence Embeddings},\n" +
            "    author={Xianming Li and Zongxi Li and Jing Li and Haoran Xie and Qing Li},\n" +
            "    year={2024}, eprint={2402.14776}, archivePrefix={arXiv}, primaryClass={cs.CL}\n" +
            "}\n";

    /** BibTeX key {@code wang-2021-TSDAE}. */
    public static final String WANG_2021_TSDAE =
            "@inproceedings{wang-2021-TSDAE,\n" +
            "    title = \"TSDAE: Using Transformer-based Sequential Denoising Auto-Encoderfor Unsupervised Sentence Embedding Learning\",\n" +
            "    author = \"Wang, Kexin and Reimers, Nils and Gurevych, Iryna\",\n" +
            "    booktitle = \"Findings of the Association for Computational Linguistics: EMNLP 2021\",\n" +
            "    month = nov, year = \"2021\", address = \"Punta Cana, Dominican Republic\",\n" +
            "    publisher = \"Association for Computational Linguistics\", pages = \"671--688\",\n" +
            "    url = \"https://arxiv.org/abs/2104.06979\"\n" +
            "}\n";

    /** BibTeX key {@code kim2023embeddistill}. */
    public static final String KIM2023EMBEDDISTILL =
            "@article{kim2023embeddistill,\n" +
            "    title={EmbedDistill: A Geometric Knowledge Distillation for Information Retrieval},\n" +
            "    author={Kim, Seungyeon and Rawat, Ankit Singh and Zaheer, Manzil and Jayasumana, Sadeep and Sadhanala, Veeranjaneyulu and Jitkrittum, Wittawat and Menon, Aditya Krishna and Fergus, Rob and Kumar, Sanjiv},\n" +
            "    year={2023}, eprint={2301.12005}, archivePrefix={arXiv}, primaryClass={cs.IR}\n" +
            "}\n";

    /** BibTeX key {@code zhang2017learningspreadoutlocalfeature}. */
    public static final String ZHANG2017LEARNINGSPREADOUTLOCALFEATURE =
            "@misc{zhang2017learningspreadoutlocalfeature,\n" +
            "    title={Learning Spread-out Local Feature Descriptors},\n" +
            "    author={Xu Zhang and Felix X. Yu and Sanjiv Kumar and Shih-Fu Chang},\n" +
            "    year={2017}, eprint={1708.06320}, archivePrefix={arXiv}, primaryClass={cs.CV},\n" +
            "    url={https://arxiv.org/abs/1708.06320}\n" +
            "}\n";
}
