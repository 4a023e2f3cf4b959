"""Paper declaration files as a volunteer would upload them (the import template's header, BOM
and CRLF), for the import benchmark and for the real people the bench data set is made from."""
import time

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
                "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_NAMES = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Thu", "Xuân", "Công", "Bảo"]
GIVEN_NAMES = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khánh",
               "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo",
               "Thủy", "Trang", "Tuấn", "Tuyết", "Việt", "Yến"]
STREETS = ["Hàng Bạc", "Hàng Đào", "Phố Huế", "Lò Đúc", "Kim Mã", "Đội Cấn", "Láng Hạ", "Giảng Võ"]
VN_OFFSET = 7 * 3600


def phone_of(i):
    """The phone number of row i (distinct per row)."""
    return f"09{i:08d}"


def write(path, venue, rows, now=None, spread_days=20):
    """rows declarations of distinct people (phone for all, ID number for every other one),
    spread over the spread_days before now (seconds since the epoch; default the real time)."""
    now = time.time() if now is None else now
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\ufeffma_dia_diem,ngay_gio,vao_ra,ho_ten,so_dien_thoai,so_giay_to,nam_sinh,gioi_tinh,ma_xa,dia_chi,"
                "fever,cough,breath,throat,taste,contact,travel,doses\r\n")
        for i in range(rows):
            name = (f"{FAMILY_NAMES[i % len(FAMILY_NAMES)]} {MIDDLE_NAMES[(i // 16) % len(MIDDLE_NAMES)]} "
                    f"{GIVEN_NAMES[(i // 192) % len(GIVEN_NAMES)]}")
            when = time.strftime("%d/%m/%Y %H:%M",
                                 time.gmtime(now + VN_OFFSET - 3600 - (i * 17) % (spread_days * 86400)))
            id_number = f"001{i % 97:02d}{i:07d}" if i % 2 else ""
            gender = "Nữ" if " Thị " in name else "Nam"
            f.write(f"{venue},{when},{'Vào' if i % 3 else 'Ra'},{name},{phone_of(i)},{id_number},{1940 + i % 66},"
                    f"{gender},00070,{1 + i % 200} {STREETS[i % len(STREETS)]},"
                    f"không,không,không,{'có' if i % 50 == 0 else 'không'},không,không,không,{i % 4}\r\n")
