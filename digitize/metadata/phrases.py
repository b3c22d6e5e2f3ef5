"""Common phrases of Vietnamese administrative prose, as a prior for mark repairs.

A trích yếu is written in a small, formulaic vocabulary ("công tác", "địa bàn", "thẩm
quyền giải quyết", "phòng, chống tham nhũng"). Tesseract's mark slips there ("địa ban",
"thấm quyền", "chống lang phí") are confident, and a one-page document often spells the
phrase only once more in its body, so its own evidence ties. These phrases break such
ties: `DocumentLexicon` counts each of their word pairs as seen PHRASE_WEIGHT times.

Only phrases whose letters have no other common reading in this prose belong here:
not "công tác" ("cộng tác viên"), "ban chỉ đạo" ("văn bản chỉ đạo"), "quy định chi"
("đình chỉ") or "đầu tư công" ("từ công tác"). Written from general knowledge of the
register, not from any sample set.
"""

from __future__ import annotations

# How many sightings one phrase of this list is worth (a place name counts 5).
PHRASE_WEIGHT = 3

ADMIN_PHRASES: tuple[str, ...] = (
    # actions
    "ban hành", "triển khai", "thực hiện", "tổ chức thực hiện", "tăng cường", "đẩy mạnh",
    "nâng cao", "kiện toàn", "thành lập", "phê duyệt", "điều chỉnh", "bổ sung", "sửa đổi",
    "bãi bỏ", "công bố", "hướng dẫn", "đôn đốc", "chấn chỉnh", "khắc phục", "rà soát",
    "kiểm tra", "thanh tra", "giám sát", "thi hành", "đánh giá", "sơ kết", "tổng kết", "báo cáo",
    "đề nghị", "đề xuất", "tham mưu", "phối hợp", "chỉ đạo", "giải quyết", "xử lý",
    "bảo đảm", "đảm bảo", "chi tiết", "tiếp nhận", "chuyển giao", "quản lý", "sử dụng",
    "phát triển", "xây dựng", "cải cách", "chuyển đổi số", "ứng dụng", "tuyên truyền",
    "phổ biến", "giáo dục", "đào tạo", "bồi dưỡng", "tuyển dụng", "bổ nhiệm", "miễn nhiệm",
    "điều động", "luân chuyển", "khen thưởng", "kỷ luật", "kỷ cương", "thi đua", "phân công",
    "phân cấp", "ủy quyền", "giao nhiệm vụ", "tạm dừng", "gia hạn", "thu hồi", "cấp phép",
    "chuyển mục đích", "giao đất", "cho thuê đất", "bồi thường", "hỗ trợ", "tái định cư",
    "giải phóng mặt bằng", "phòng ngừa", "ngăn chặn", "ứng phó", "cứu nạn",
    "cứu hộ", "tìm kiếm", "phòng cháy", "chữa cháy", "thực hành tiết kiệm", "chống lãng phí",
    "tham nhũng", "tiêu cực", "chủ trương đầu tư", "quyết toán", "thẩm định", "nghiệm thu",
    # things
    "nhiệm vụ", "giải pháp", "kế hoạch", "chương trình", "đề án", "dự án",
    "quy chế", "quy định", "quyết định", "nghị quyết", "nghị định", "thông tư", "chỉ thị",
    "công văn", "tờ trình", "thông báo", "kết luận", "hội nghị", "danh mục", "thủ tục hành chính",
    "thẩm quyền", "lĩnh vực", "địa bàn", "phạm vi", "cả nước", "toàn quốc", "giai đoạn",
    "nhiệm kỳ", "năm học", "kỳ thi", "tình hình", "kết quả", "phương hướng", "mục tiêu",
    "kinh phí", "mức chi", "chi trả", "chi phí", "ngân sách nhà nước", "thu, chi ngân sách", "chi ngân sách",
    "dự toán", "tài chính", "tài sản công", "kinh tế", "xã hội", "an sinh xã hội",
    "giảm nghèo", "việc làm", "lao động", "bảo hiểm xã hội", "bảo hiểm y tế", "y tế", "dân số",
    "văn thư", "lưu trữ", "hồ sơ", "tài liệu", "cơ sở dữ liệu", "dịch vụ công trực tuyến",
    "một cửa", "liên thông", "chính quyền điện tử", "chính phủ số", "công nghệ thông tin",
    "an toàn thông tin", "an ninh mạng", "trật tự", "an toàn giao thông", "quốc phòng",
    "an ninh", "thiên tai", "dịch bệnh", "môi trường", "tài nguyên", "khoáng sản", "đất đai",
    "sử dụng đất", "nông thôn mới", "nông nghiệp", "du lịch", "văn hóa", "thể thao",
    "khoa học", "công nghệ", "đổi mới sáng tạo", "doanh nghiệp", "hộ kinh doanh",
    "cá nhân kinh doanh", "nộp thuế", "thuế điện tử", "hóa đơn điện tử", "cán bộ",
    "công chức", "viên chức", "người lao động", "biên chế", "vị trí việc làm", "chức danh",
    "tổ chức bộ máy", "đơn vị hành chính", "sắp xếp", "sáp nhập", "học sinh", "sinh viên",
    "mầm non", "tiểu học", "trung học cơ sở", "trung học phổ thông", "thị trấn", "thị xã",
    "thành phố", "ủy ban nhân dân", "hội đồng nhân dân", "mặt trận tổ quốc", "đoàn thể",
    "hội đồng thẩm định", "thủ tướng chính phủ", "bộ trưởng",
    "chủ tịch", "giám đốc", "tiếp công dân", "khiếu nại", "tố cáo", "kiến nghị",
)  # fmt: skip
